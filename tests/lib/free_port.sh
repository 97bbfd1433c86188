# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by test scripts. free_port [N]: a TCP port P such that P .. P+N-1 (N defaults to 1)
# lie below the kernel's ephemeral range (so no outgoing connection of a parallel test can
# take them: Gloo and every client socket draw from that range) and no socket on this machine
# uses them now, listening or in TIME_WAIT (/proc/net/tcp{,6}).
free_port() {
    local n="${1:-1}" lo hi p k used
    read -r lo hi < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || lo=32768
    [ "$lo" -gt 12000 ] || lo=32768
    for _ in $(seq 1 200); do
        p=$((10000 + RANDOM % (lo - 10000 - n)))
        used=0
        for ((k = 0; k < n; k++)); do
            if grep -qi ":$(printf '%04X' $((p + k))) " /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
                used=1
                break
            fi
        done
        [ "$used" = 1 ] || { echo "$p"; return 0; }
    done
    echo "free_port: no free port found below $lo" >&2
    return 1
}
