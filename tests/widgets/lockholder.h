// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Another process that holds an experiment log while a test runs: the test binary's own child
// modes (fcntl locks do not conflict within one process, so the holder must be another one).
// The binary's main() calls lockHolderChildMain() first.
#include "mor/experiment_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include <QCoreApplication>
#include <QProcess>

namespace lock_holder {

/// Child mode of this binary (--hold-read-locks PATH): takes every read-mark lock of the log's
/// WAL index, as a process stuck in a WAL recovery does, says "locked" and waits to be killed.
/// (fcntl locks do not conflict within one process, so the holder must be another one.)
inline int holdReadLocks(const char* path) {
    const int fd = ::open((std::string(path) + "-shm").c_str(), O_RDWR);
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = 120 + 3; // WALINDEX_LOCK_OFFSET + WAL_READ_LOCK(0)
    lock.l_len = 5;         // the five read marks
    if (fd < 0 || ::fcntl(fd, F_SETLK, &lock) != 0) {
        std::perror("hold-read-locks");
        return 1;
    }
    std::printf("locked\n");
    std::fflush(stdout);
    for (;;) {
        ::pause();
    }
}

/// Child mode --hold-run PATH: a training that writes its run until it is killed.
inline int holdRun(const char* path) {
    std::string error;
    auto log = mor::ExperimentLog::open(path, &error);
    if (!log) {
        std::fprintf(stderr, "hold-run: %s\n", error.c_str());
        return 1;
    }
    mor::RunInfo info;
    info.name = "killed";
    const int64_t run = log->createRun(info);
    log->flush();
    std::printf("locked\n"); // "ready", in the words LockHolder waits for
    std::fflush(stdout);
    for (int64_t step = 0;; ++step) {
        log->logMetric(run, "train/loss", step, 1.0);
        ::usleep(50 * 1000);
    }
}

/// Another process that holds the log's read locks (or trains a run) while it lives.
class LockHolder {
public:
    bool start(const QString& path, const QString& mode = QStringLiteral("--hold-read-locks")) {
        m_process.start(QCoreApplication::applicationFilePath(), {mode, path});
        return m_process.waitForStarted() && m_process.waitForReadyRead(10000) &&
               m_process.readLine().trimmed() == "locked";
    }
    void release() {
        m_process.kill();
        m_process.waitForFinished();
    }
    ~LockHolder() { release(); }

private:
    QProcess m_process;
};

/// The child modes (--hold-run PATH, --hold-read-locks PATH): their exit code, else -1 (not a
/// child: run the tests).
inline int lockHolderChildMain(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "--hold-run") {
        return holdRun(argv[2]);
    }
    if (argc == 3 && std::string(argv[1]) == "--hold-read-locks") {
        return holdReadLocks(argv[2]);
    }
    return -1;
}

} // namespace lock_holder
