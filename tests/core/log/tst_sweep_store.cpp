// SPDX-License-Identifier: GPL-3.0-or-later
// Sweeps: Student-t quantiles and intervals against tables and a hand-computed sample, the
// --grid / --list / override parsing, and the sweep tables (entry states, summary, claim).
#include "log_test_util.h"
#include "mor/config.h"
#include "mor/experiment_log.h"
#include "mor/sweep.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

using namespace mor;

Q_DECLARE_METATYPE(std::vector<std::string>)

class TstSweepStore : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string file(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void studentTQuantileMatchesTables_data();
    void studentTQuantileMatchesTables();
    void studentTQuantileRejectsBadArguments();
    void meanIntervalOfHandComputedSample();
    void meanIntervalOfOneValueHasNoBounds();
    void parsesGridArguments_data();
    void parsesGridArguments();
    void rejectsBadGridArguments_data();
    void rejectsBadGridArguments();
    void expandsGridFirstAxisSlowest();
    void parsesOverrideList();
    void resolvesOverridesIncludingListIndices();
    void resolveNamesTheBadKeyOrValue_data();
    void resolveNamesTheBadKeyOrValue();
    void entryStatesFollowRunsAndWorkers();
    void runTagNamesItsSweep();
    void summaryGroupsFinishedSeedsWithIntervals();
    void claimRefusesLiveOwnerAndTakesDeadOne();
    void deletedRunLeavesEntryToDo();
};

// Reference values: R qt(p, df) / standard tables.
void TstSweepStore::studentTQuantileMatchesTables_data() {
    QTest::addColumn<double>("p");
    QTest::addColumn<qlonglong>("df");
    QTest::addColumn<double>("expected");
    QTest::newRow("0.975 df1") << 0.975 << 1LL << 12.7062047;
    QTest::newRow("0.975 df2") << 0.975 << 2LL << 4.3026527;
    QTest::newRow("0.975 df4") << 0.975 << 4LL << 2.7764451;
    QTest::newRow("0.975 df9") << 0.975 << 9LL << 2.2621572;
    QTest::newRow("0.975 df30") << 0.975 << 30LL << 2.0422725;
    QTest::newRow("0.975 df1000") << 0.975 << 1000LL << 1.9623391;
    QTest::newRow("0.95 df3") << 0.95 << 3LL << 2.3533634;
    QTest::newRow("0.995 df5") << 0.995 << 5LL << 4.0321430;
    QTest::newRow("0.025 df4") << 0.025 << 4LL << -2.7764451;
    QTest::newRow("median") << 0.5 << 7LL << 0.0;
}

void TstSweepStore::studentTQuantileMatchesTables() {
    QFETCH(double, p);
    QFETCH(qlonglong, df);
    QFETCH(double, expected);
    QVERIFY2(std::fabs(studentTQuantile(p, df) - expected) < 1e-6,
             qPrintable(QString::number(studentTQuantile(p, df), 'g', 10)));
}

void TstSweepStore::studentTQuantileRejectsBadArguments() {
    QVERIFY(std::isnan(studentTQuantile(0.975, 0)));
    QVERIFY(std::isnan(studentTQuantile(1.0, 3)));
    QVERIFY(std::isnan(studentTQuantile(0.0, 3)));
}

void TstSweepStore::meanIntervalOfHandComputedSample() {
    // mean 0.9, s = 0.1, half-width t(0.975, 2) * 0.1 / sqrt(3) = 4.3026527 * 0.0577350 = 0.24841
    const MeanInterval m = meanInterval({0.8, 0.9, 1.0});
    QCOMPARE(m.n, int64_t(3));
    QVERIFY(std::fabs(m.mean - 0.9) < 1e-12);
    QVERIFY2(std::fabs(m.halfWidth() - 0.248414) < 1e-5,
             qPrintable(QString::number(m.halfWidth())));
    QVERIFY(std::fabs(m.low - (0.9 - 0.248414)) < 1e-5);
    QVERIFY(std::fabs(m.high - (0.9 + 0.248414)) < 1e-5);
    // Five equal values: no spread, a zero-width interval.
    const MeanInterval flat = meanInterval({2, 2, 2, 2, 2});
    QCOMPARE(flat.low, 2.0);
    QCOMPARE(flat.high, 2.0);
}

void TstSweepStore::meanIntervalOfOneValueHasNoBounds() {
    const MeanInterval one = meanInterval({0.7});
    QCOMPARE(one.n, int64_t(1));
    QCOMPARE(one.mean, 0.7);
    QVERIFY(std::isnan(one.low) && std::isnan(one.high));
    QVERIFY(std::isnan(meanInterval({}).mean));
}

void TstSweepStore::parsesGridArguments_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("key");
    QTest::addColumn<std::vector<std::string>>("values");
    QTest::newRow("integers") << "model.router.top_k=1,2" << "model.router.top_k"
                              << std::vector<std::string>{"1", "2"};
    QTest::newRow("words are strings") << "model.router.strategy=top_k, threshold"
                                       << "model.router.strategy"
                                       << std::vector<std::string>{"\"top_k\"", "\"threshold\""};
    QTest::newRow("list index, reals") << "model.experts[0].max_depth=2,4.5"
                                       << "model.experts[0].max_depth"
                                       << std::vector<std::string>{"2", "4.5"};
    QTest::newRow("lists keep their commas") << "a.b=[1,2],[3]" << "a.b"
                                             << std::vector<std::string>{"[1,2]", "[3]"};
    QTest::newRow("quoted comma") << "a.b=\"x,y\",true" << "a.b"
                                  << std::vector<std::string>{"\"x,y\"", "true"};
}

void TstSweepStore::parsesGridArguments() {
    QFETCH(QString, text);
    QFETCH(QString, key);
    QFETCH(std::vector<std::string>, values);
    SweepAxis axis;
    std::string error;
    QVERIFY2(parseGridArgument(text.toStdString(), &axis, &error), error.c_str());
    QCOMPARE(axis.key, key.toStdString());
    QCOMPARE(axis.valuesJson, values);
}

void TstSweepStore::rejectsBadGridArguments_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("no equals") << "model.router.top_k";
    QTest::newRow("no key") << "=1,2";
    QTest::newRow("empty value") << "model.router.top_k=1,,2";
    QTest::newRow("bad index") << "model.experts[x].width=2";
    QTest::newRow("trailing dot") << "model.router.=2";
}

void TstSweepStore::rejectsBadGridArguments() {
    QFETCH(QString, text);
    SweepAxis axis;
    std::string error;
    QVERIFY(!parseGridArgument(text.toStdString(), &axis, &error));
    QVERIFY(!error.empty());
}

void TstSweepStore::expandsGridFirstAxisSlowest() {
    const std::vector<SweepAxis> axes{{"a.x", {"1", "2"}}, {"b.y", {"\"p\"", "\"q\"", "\"r\""}}};
    const auto combos = expandGrid(axes);
    QCOMPARE(combos.size(), size_t(6));
    QCOMPARE(combos[0], std::string(R"({"a.x":1,"b.y":"p"})"));
    QCOMPARE(combos[2], std::string(R"({"a.x":1,"b.y":"r"})"));
    QCOMPARE(combos[3], std::string(R"({"a.x":2,"b.y":"p"})"));
    QCOMPARE(expandGrid({}), std::vector<std::string>{"{}"});
}

void TstSweepStore::parsesOverrideList() {
    std::vector<std::string> list;
    std::string error;
    QVERIFY(parseOverrideList(R"([{"model.router.top_k": 1}, {}])", &list, &error));
    QCOMPARE(list, (std::vector<std::string>{R"({"model.router.top_k":1})", "{}"}));
    QVERIFY(!parseOverrideList("[]", &list, &error));
    QVERIFY(!parseOverrideList("[1]", &list, &error));
    QVERIFY(error.find("entry 0") != std::string::npos);
    QVERIFY(!parseOverrideList("{", &list, &error));
}

namespace {
const char* const kBase = R"({"name": "base", "data": {"kind": "parity", "length": 6},
    "model": {"experts": [{"width": 16, "max_depth": 2}, {"width": 16, "max_depth": 2}]}})";
}

void TstSweepStore::resolvesOverridesIncludingListIndices() {
    std::string config, error;
    QVERIFY2(resolveSweepConfig(
                 kBase, R"({"model.experts[1].max_depth": 4, "model.router.top_k": 1})",
                 &config, &error),
             error.c_str());
    const auto parsed = parseConfig(config);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed.config.model.experts.at(0).maxDepth, int64_t(2));
    QCOMPARE(parsed.config.model.experts.at(1).maxDepth, int64_t(4));
    QCOMPARE(parsed.config.model.router.topK, int64_t(1));
    QCOMPARE(overridesLabel(R"({"model.experts[1].max_depth": 4, "data.kind": "parity"})"),
             std::string("kind=parity, experts[1].max_depth=4"));
    // A configuration that names itself is labelled by its name; long lists are abbreviated.
    QCOMPARE(overridesLabel(R"({"name": "moe", "model.experts": [{"width": 8}, {"width": 8}]})"),
             std::string("moe"));
    QCOMPARE(overridesLabel(R"({"model.experts": [{"width": 8, "max_depth": 1, )"
                            R"("halting": "fixed"}, {"width": 8}], "model.router.top_k": 2})"),
             std::string("experts=[2 items], router.top_k=2"));
}

void TstSweepStore::resolveNamesTheBadKeyOrValue_data() {
    QTest::addColumn<QString>("overrides");
    QTest::addColumn<QString>("named");
    QTest::newRow("unknown key") << R"({"model.routr.top_k": 1})" << "model.routr";
    QTest::newRow("value out of range") << R"({"model.router.top_k": 9})" << "model.router.top_k";
    QTest::newRow("index out of range") << R"({"model.experts[2].width": 8})" << "model.experts";
    QTest::newRow("into a number") << R"({"data.length.x": 1})" << "data.length";
}

void TstSweepStore::resolveNamesTheBadKeyOrValue() {
    QFETCH(QString, overrides);
    QFETCH(QString, named);
    std::string config, error;
    QVERIFY(!resolveSweepConfig(kBase, overrides.toStdString(), &config, &error));
    QVERIFY2(error.find(named.toStdString()) != std::string::npos, error.c_str());
}

namespace {

/// A log with one sweep of `entries` entries (this process owns it).
int64_t makeSweep(const std::string& path, int entries, std::unique_ptr<SweepStore>* store) {
    std::string error;
    { auto log = ExperimentLog::open(path, &error); }
    *store = SweepStore::open(path, true, &error);
    if (!*store) {
        return -1;
    }
    SweepStore::NewSweep sweep;
    sweep.name = "s";
    sweep.baseConfigJson = kBase;
    sweep.specJson = "{}";
    for (int i = 0; i < entries; ++i) {
        sweep.entries.emplace_back(i < entries / 2 ? R"({"a.x":1})" : R"({"a.x":2})", i + 1);
    }
    return (*store)->createSweep(sweep);
}

/// A pid that no process has now (a child that has exited and been reaped).
int64_t deadPid() {
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return pid;
}

int64_t addRun(ExperimentLog& log, int64_t sweep, int64_t index, const std::string& status,
               double accuracy) {
    RunInfo info;
    info.name = "r";
    info.tags = {SweepStore::runTag(sweep, index)};
    const int64_t run = log.createRun(info);
    if (accuracy >= 0) {
        log.logMetric(run, "test/accuracy", 10, accuracy);
        log.logMetric(run, "test/expert_steps", 10, 3.0);
    }
    if (status != "running") {
        log.setStatus(run, status);
    }
    log.flush();
    return run;
}

} // namespace

void TstSweepStore::runTagNamesItsSweep() {
    // The link from a run to its sweep (the Sweeps view follows a picked run by it).
    QCOMPARE(SweepStore::sweepOfRunTag(SweepStore::runTag(12, 3)), int64_t(12));
    QCOMPARE(SweepStore::sweepOfRunTag(SweepStore::runTag(1, 0)), int64_t(1));
    for (const char* other : {"sweep:best", "sweep:7", "sweep:7:", "sweep::3", "sweep:x:1",
                               "sweep:1:2:3", "sweep:-1:2", "best", "",
                               "sweep:99999999999999999999:1"}) {
        QCOMPARE(SweepStore::sweepOfRunTag(other), int64_t(-1));
    }
    // Both forms read back by the one parser (`mor merge` renumbers them, the audit names them).
    const auto parts = [](const std::string& tag) {
        const SweepStore::TagParts p = SweepStore::parseTag(tag);
        return std::make_pair(p.sweep, p.index);
    };
    using P = std::pair<int64_t, int64_t>;
    QCOMPARE(parts(SweepStore::runTag(12, 3)), P(12, 3));
    QCOMPARE(parts(SweepStore::sweepTag(7)), P(7, -1));
    QCOMPARE(SweepStore::sweepTag(7), std::string("sweep:7"));
    QCOMPARE(parts("sweep:999999999999999999:0"), P(999999999999999999LL, 0));
    for (const char* other : {"sweep:best", "sweep:7x", "sweep:7:", "sweep::3", "sweep:x:1",
                               "sweep:1:2:3", "sweep:-1:2", "sweep:", "best", "", "Sweep:1",
                               "sweep:99999999999999999999", "sweep:1:99999999999999999999"}) {
        QCOMPARE(parts(other), P(-1, -1));
    }
}

void TstSweepStore::entryStatesFollowRunsAndWorkers() {
    const std::string path = file("states.morlog");
    std::unique_ptr<SweepStore> store;
    const int64_t id = makeSweep(path, 5, &store);
    QVERIFY(id > 0);
    std::string error;
    {
        auto log = ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
        addRun(*log, id, 0, "finished", 0.9);
        addRun(*log, id, 1, "failed", -1);
        addRun(*log, id, 2, "running", -1); // its writer dies with `log`: a kill -9
        addRun(*log, id, 3, "stopped", -1);
    }
    store->recordWorker(id, 2, deadPid());
    auto entries = store->entries(id);
    QCOMPARE(entries.size(), size_t(5));
    QCOMPARE(entries[0].state, SweepRunState::Finished);
    QVERIFY(entries[0].runId > 0);
    QCOMPARE(entries[1].state, SweepRunState::Failed);
    QCOMPARE(entries[2].state, SweepRunState::Interrupted); // worker gone, status "running"
    QCOMPARE(entries[3].state, SweepRunState::Interrupted);
    QCOMPARE(entries[4].state, SweepRunState::ToDo);
    // A live worker (this process stands in for one) makes an entry running.
    store->recordWorker(id, 4, int64_t(::getpid()));
    QCOMPARE(store->entries(id)[4].state, SweepRunState::Running);
    // ... and a worker that exited with an error before creating a run makes it failed.
    store->recordWorker(id, 4, deadPid());
    store->recordExit(id, 4, false);
    QCOMPARE(store->entries(id)[4].state, SweepRunState::Failed);

    const auto reader = SweepStore::open(path, false, &error);
    QVERIFY2(reader, error.c_str());
    const auto info = reader->sweep(id);
    QVERIFY(info.has_value());
    QCOMPARE(info->total, int64_t(5));
    QCOMPARE(info->finished, int64_t(1));
    QCOMPARE(info->interrupted, int64_t(2));
    QCOMPARE(info->failed, int64_t(2));
    QCOMPARE(info->status, std::string("running")); // `store` (this process) owns it
    store->release(id, "interrupted");
    QCOMPARE(reader->sweep(id)->status, std::string("interrupted"));
}

void TstSweepStore::summaryGroupsFinishedSeedsWithIntervals() {
    const std::string path = file("summary.morlog");
    std::unique_ptr<SweepStore> store;
    const int64_t id = makeSweep(path, 6, &store); // entries 0-2: a.x=1, 3-5: a.x=2
    QVERIFY(id > 0);
    std::string error;
    {
        auto log = ExperimentLog::open(path, &error);
        const double acc[] = {0.8, 0.9, 1.0, 0.5, 0.7, -1};
        for (int i = 0; i < 6; ++i) {
            addRun(*log, id, i, i == 5 ? "running" : "finished", acc[i]);
        }
    }
    const SweepSummary s = store->summary(id);
    QCOMPARE(s.runs, int64_t(6));
    QCOMPARE(s.finished, int64_t(5));
    QCOMPARE(s.groups.size(), size_t(2));
    QCOMPARE(s.groups[0].paramsJson, std::string(R"({"a.x":1})"));
    QCOMPARE(s.groups[0].n, int64_t(3));
    QVERIFY(std::fabs(s.groups[0].testAccuracy.mean - 0.9) < 1e-12);
    QVERIFY(std::fabs(s.groups[0].testAccuracy.halfWidth() - 0.248414) < 1e-5);
    QCOMPARE(s.groups[0].expertSteps.mean, 3.0);
    QCOMPARE(s.groups[1].n, int64_t(2)); // the unfinished seed does not count
    QVERIFY(std::fabs(s.groups[1].testAccuracy.mean - 0.6) < 1e-12);
    // df 1: 12.706 * s / sqrt(2) with s = 0.1414 -> 1.2706
    QVERIFY(std::fabs(s.groups[1].testAccuracy.halfWidth() - 1.270620) < 1e-5);
    QCOMPARE(s.groups[1].seconds.n, int64_t(2));
}

void TstSweepStore::claimRefusesLiveOwnerAndTakesDeadOne() {
    const std::string path = file("claim.morlog");
    std::unique_ptr<SweepStore> store;
    const int64_t id = makeSweep(path, 2, &store);
    QVERIFY(id > 0);
    std::string error;
    QVERIFY2(store->claim(id, &error), error.c_str()); // its own sweep
    // The parent process (alive) as the owner: refused, naming it.
    const std::string parent = std::to_string(::getppid());
    {
        // owner_start must be the live process's start time (field 22 of /proc/<pid>/stat).
        QFile f(QString::fromStdString("/proc/" + parent + "/stat"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const std::string stat = f.readAll().toStdString();
        const auto fields = QString::fromStdString(stat.substr(stat.rfind(')') + 2)).split(' ');
        logtest::execSql(path, "UPDATE sweeps SET owner_pid = " + parent +
                                   ", owner_start = " + fields[19].toStdString());
    }
    QVERIFY(!store->claim(id, &error));
    QVERIFY2(error.find("still being run by process " + parent) != std::string::npos,
             error.c_str());
    // A dead owner: the sweep is taken over.
    logtest::execSql(path, "UPDATE sweeps SET owner_pid = " + std::to_string(deadPid()));
    QVERIFY2(store->claim(id, &error), error.c_str());
    QVERIFY(!store->claim(id + 1, &error));
    QVERIFY(error.find("no sweep") != std::string::npos);
}

void TstSweepStore::deletedRunLeavesEntryToDo() {
    const std::string path = file("delete.morlog");
    std::unique_ptr<SweepStore> store;
    const int64_t id = makeSweep(path, 2, &store);
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = addRun(*log, id, 0, "finished", 0.5);
    QCOMPARE(store->entries(id)[0].state, SweepRunState::Finished); // caches run_id
    QVERIFY(log->deleteRun(run));
    QCOMPARE(store->entries(id)[0].state, SweepRunState::ToDo);
    QCOMPARE(store->entries(id)[0].runId, int64_t(-1));
}

QTEST_GUILESS_MAIN(TstSweepStore)
#include "tst_sweep_store.moc"
