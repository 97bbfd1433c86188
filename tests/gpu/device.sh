#!/usr/bin/env bash
# tests/gpu/run.sh on the library's device machine (one NVIDIA GPU). That image has CUDA, CMake,
# ninja, g++ and a CUDA PyTorch, but not this project's other build dependencies, and nothing
# can be installed there. So:
#   tests/gpu/device.sh --prepare      here (Debian): unpack Debian's nlohmann-json3-dev,
#                                      libcli11-dev, libsqlite3-dev, libsqlite3-0, zlib1g-dev and
#                                      libgloo-dev's headers (a PyTorch wheel may ship none) into
#                                      .gpudeps/ (ignored by git; carry it to the device), and
#                                      keep Qt 6 Core and Test with their libraries as .deb files
#                                      in .gpudeps/debs (the core tests are Qt Test programs)
#   tests/gpu/device.sh [run.sh options]
#                                      there: point CMake at .gpudeps for the headers and the
#                                      CMake files, at the machine's own zlib and SQLite libraries
#                                      (Debian's SQLite library when it has none), build mor
#                                      without `serve` (no cpp-httplib there), then run run.sh;
#                                      with $OUT set, the table and the logs are copied there.
# The device call, with .gpudeps in carry:  tests/gpu/device.sh --jobs 16
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
deps=$root/.gpudeps

if [ "${1:-}" = --prepare ]; then
    set -e
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download nlohmann-json3-dev libcli11-dev libsqlite3-dev libsqlite3-0 \
        zlib1g-dev libgloo-dev)
    rm -rf "$deps"
    mkdir -p "$deps/gloo/include"
    for f in "$tmp"/*.deb; do
        case "$f" in
            */libgloo-dev_*)
                dpkg -x "$f" "$tmp/gloo" && mv "$tmp/gloo/usr/include/gloo" "$deps/gloo/include/" ;;
            *) dpkg -x "$f" "$deps" ;;
        esac
    done
    # Absolute links (libz.so -> /lib/...) point nowhere there; static libraries are not used.
    find "$deps" -type l -lname '/*' -delete
    find "$deps" -name '*.a' -delete
    # Qt Core, Test, moc and the libraries they load that an Ubuntu image may lack: unpacked there.
    mkdir -p "$deps/debs"
    (cd "$deps/debs" && apt-get download qt6-base-dev qt6-base-dev-tools qmake6 libqt6core6 \
        libqt6test6 libicu72 libdouble-conversion3 libpcre2-16-0 libb2-1 libglib2.0-0)
    rm -rf "$deps/usr/share/doc" "$tmp"
    exclude=$root/.git/info/exclude
    grep -qx '/.gpudeps/' "$exclude" 2> /dev/null || echo '/.gpudeps/' >> "$exclude"
    du -sh "$deps"
    exit 0
fi

usr=$deps/usr
if [ ! -d "$usr/include/nlohmann" ]; then
    echo "tests/gpu/device.sh: $usr has no headers: run tests/gpu/device.sh --prepare" \
        "here and carry .gpudeps" >&2
    exit 2
fi
library() { # the machine's own x86-64 library $1 (ldconfig's cache), else empty
    ldconfig -p 2> /dev/null | awk -v n="$1" '$1 == n && /x86-64/ { print $NF; exit }'
}
zlib=$(library libz.so.1)
[ -z "$zlib" ] && zlib=$(find /usr /lib /opt -name 'libz.so.1*' -type f 2> /dev/null | head -1)
sqlite=$(library libsqlite3.so.0)
if [ -z "$sqlite" ]; then
    sqlite=$usr/lib/x86_64-linux-gnu/libsqlite3.so.0
    export LD_LIBRARY_PATH=$usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
# Qt 6 Core and Test for the core tests: Debian's, unpacked under /tmp/mor-qt; of the libraries
# they load, those the machine lacks are linked into /tmp/mor-qt/runtime (LD_LIBRARY_PATH).
qt_args=""
if ls "$deps"/debs/libqt6core6_*.deb > /dev/null 2>&1 && command -v dpkg > /dev/null; then
    qt=/tmp/mor-qt
    rm -rf "$qt"
    mkdir -p "$qt/runtime"
    for f in "$deps"/debs/*.deb; do dpkg -x "$f" "$qt"; done
    for lib in "$qt"/usr/lib/x86_64-linux-gnu/*.so.*; do
        name=$(basename "$lib")
        case "$name" in *.so.[0-9]|*.so.[0-9][0-9]) ;; *) continue ;; esac
        [ -n "$(library "$name")" ] || ln -sf "$lib" "$qt/runtime/$name"
    done
    export LD_LIBRARY_PATH=$qt/runtime${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    cmake_qt=$qt/usr/lib/x86_64-linux-gnu/cmake
    qt_args="-DMOR_BUILD_TESTS=ON -DQt6_DIR=$cmake_qt/Qt6 -DQt6CoreTools_DIR=$cmake_qt/Qt6CoreTools"
    export MOR_GPU_HAVE_QT=1
    echo "== Qt 6 Core and Test (Debian's) in $qt; carried libraries:" \
        "$(ls "$qt/runtime" | tr '\n' ' ')"
fi
echo "== dependencies: headers and CMake files from $usr; zlib $zlib; SQLite $sqlite"
echo "== $(uname -srm); $(ldd --version 2> /dev/null | head -1);" \
    "$(g++ --version 2> /dev/null | head -1); $(cmake --version | head -1)"
gloo=""
torch_include=$(python3 -c 'import os, torch
print(os.path.join(os.path.dirname(torch.__file__), "include"))' 2> /dev/null)
[ -f "$torch_include/gloo/algorithm.h" ] || gloo="-DMOR_GLOO_INCLUDE_DIR=$deps/gloo/include"
[ -n "$gloo" ] && echo "== Gloo headers carried: $deps/gloo/include"
MOR_GPU_CMAKE_ARGS="-DMOR_BUILD_SERVE=OFF $gloo $qt_args"
MOR_GPU_CMAKE_ARGS+=" -Dnlohmann_json_DIR=$usr/share/cmake/nlohmann_json"
MOR_GPU_CMAKE_ARGS+=" -DCLI11_DIR=$usr/share/cmake/CLI11"
MOR_GPU_CMAKE_ARGS+=" -DSQLite3_INCLUDE_DIR=$usr/include -DSQLite3_LIBRARY=$sqlite"
MOR_GPU_CMAKE_ARGS+=" -DZLIB_INCLUDE_DIR=$usr/include -DZLIB_LIBRARY=$zlib"
export MOR_GPU_CMAKE_ARGS
"$here/run.sh" "$@"
code=$?
build=${MOR_GPU_BUILD:-$root/build/gpu}
if [ -n "${OUT:-}" ] && [ -d "$OUT" ]; then
    cp "$build/gpu-results.md" "$OUT/" 2> /dev/null
    (cd "$build/gpu-logs" 2> /dev/null && tar czf "$OUT/gpu-logs.tar.gz" .)
fi
exit $code
