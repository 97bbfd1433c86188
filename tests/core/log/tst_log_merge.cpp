// SPDX-License-Identifier: GPL-3.0-or-later
// mor merge (mergeLogs): runs renumbered with their metrics, events, tags, samples, traces and
// checkpoint paths; sweeps kept and linked to the renumbered runs; the one-entry sweeps of a
// SLURM array's tasks joined into one sweep; inputs byte-for-byte unchanged; foreign, newer,
// repeated inputs and an existing output refused.
#include "log_test_util.h"
#include "mor/experiment_log.h"
#include "mor/log_merge.h"
#include "mor/log_reader.h"
#include "mor/run_audit.h"
#include "mor/sweep.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace mor;

class TstLogMerge : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string file(const std::string& name) const {
        return m_dir.filePath(QString::fromStdString(name)).toStdString();
    }

    /// A run with two metric points, an event, a checkpoint, a sample and one trace.
    static int64_t addRun(ExperimentLog& log, const std::string& name, double accuracy,
                          const std::vector<std::string>& tags = {}) {
        RunInfo info;
        info.name = name;
        info.seed = 7;
        info.configJson = "{\"name\":\"" + name + "\"}";
        info.tags = tags;
        const int64_t run = log.createRun(info);
        log.logMetric(run, "val/accuracy", 5, accuracy / 2);
        log.logMetric(run, "test/accuracy", 10, accuracy);
        log.logMetric(run, "test/expert_steps", 10, 2.0);
        log.logEvent(run, "info", name + " started");
        log.logCheckpoint(run, 10, "/ckpt/" + name + "/step-10.pt", "{}");
        SampleInfo sample;
        sample.sampleId = 3;
        sample.split = "probe";
        sample.label = 1;
        sample.preview = "0101";
        log.logSamples(run, {sample});
        SampleTrace trace;
        trace.sampleId = 3;
        trace.label = 1;
        trace.finalPred = 1;
        trace.fusedProbs = {0.25f, 0.75f};
        trace.routerProbs = {0.6f, 0.4f};
        trace.mask = {1, 0};
        trace.gates = {0.6f, 0.f};
        log.logTraces(run, 10, {trace});
        log.setStatus(run, "finished");
        log.flush();
        return run;
    }

    /// A log with one sweep of `entries` entries, each with a finished run.
    std::string sweepLog(const std::string& name, int entries, const std::string& spec,
                         double accuracy) {
        const std::string path = file(name);
        std::string error;
        { auto log = ExperimentLog::open(path, &error); }
        auto store = SweepStore::open(path, true, &error);
        SweepStore::NewSweep sweep;
        sweep.name = name;
        sweep.baseConfigJson = "{}";
        sweep.specJson = spec;
        for (int i = 0; i < entries; ++i) {
            sweep.entries.emplace_back("{\"train.lr\":0.01}", i + 1);
        }
        const int64_t id = store->createSweep(sweep);
        auto log = ExperimentLog::open(path, &error);
        for (int i = 0; i < entries; ++i) {
            addRun(*log, name + "-" + std::to_string(i), accuracy + 0.01 * i,
                   {SweepStore::runTag(id, i), "sweep:" + std::to_string(id)});
        }
        return path;
    }

private Q_SLOTS:
    void mergesRunsAndKeepsEverything() {
        std::string error;
        const std::string a = file("a.sqlite"), b = file("b.sqlite");
        {
            auto log = ExperimentLog::open(a, &error);
            QVERIFY2(log, error.c_str());
            addRun(*log, "a1", 0.5);
            addRun(*log, "a2", 0.6, {"keep"});
        }
        const std::string bSweep = sweepLog("b.sqlite", 2, "{}", 0.8);
        QCOMPARE(bSweep, b);
        const std::string beforeA = logtest::fileBytes(a), beforeB = logtest::fileBytes(b);

        LogMergeReport report;
        const std::string out = file("merged.sqlite");
        QVERIFY2(mergeLogs(out, {a, b}, &report, &error), error.c_str());
        QCOMPARE(report.runs, int64_t(4));
        QCOMPARE(report.sweeps, int64_t(1));
        QCOMPARE(report.lines.size(), size_t(2));
        QVERIFY2(report.lines[1].find("2 run(s) -> ids 3-4, sweep 1 -> 1") != std::string::npos,
                 report.lines[1].c_str());
        QCOMPARE(logtest::fileBytes(a), beforeA); // inputs never modified
        QCOMPARE(logtest::fileBytes(b), beforeB);

        auto reader = LogReader::open(out);
        QVERIFY2(reader, reader.error().c_str());
        const auto runs = reader->runs();
        QCOMPARE(runs.size(), size_t(4));
        std::vector<std::string> names;
        for (const auto& r : runs) {
            names.push_back(r.name);
        }
        std::sort(names.begin(), names.end());
        QCOMPARE(names, (std::vector<std::string>{"a1", "a2", "b.sqlite-0", "b.sqlite-1"}));
        for (int64_t id = 1; id <= 4; ++id) {
            const auto run = reader->run(id);
            QVERIFY(run.has_value());
            QCOMPARE(run->status, std::string("finished"));
            QCOMPARE(reader->metric(id, "val/accuracy").size(), size_t(1));
            const auto checkpoints = reader->checkpoints(id);
            QCOMPARE(checkpoints.size(), size_t(1));
            QCOMPARE(checkpoints[0].path, "/ckpt/" + run->name + "/step-10.pt");
            QCOMPARE(reader->events(id).size(), size_t(1));
            QCOMPARE(reader->samples(id).size(), size_t(1));
            const auto traces = reader->traces(id, 10);
            QCOMPARE(traces.size(), size_t(1));
            QCOMPARE(traces[0].fusedProbs, (std::vector<float>{0.25f, 0.75f}));
        }
        QCOMPARE(reader->lastMetrics(2).at("test/accuracy"), 0.6);
        QCOMPARE(reader->lastMetrics(4).at("test/accuracy"), 0.81);

        // The sweep's entries find their renumbered runs (tags rewritten).
        auto store = SweepStore::open(out, false, &error);
        QVERIFY2(store, error.c_str());
        const auto entries = store->entries(1);
        QCOMPARE(entries.size(), size_t(2));
        QCOMPARE(entries[0].runId, int64_t(3));
        QCOMPARE(entries[1].runId, int64_t(4));
        QCOMPARE(entries[1].state, SweepRunState::Finished);
        const SweepSummary summary = store->summary(1);
        QCOMPARE(summary.finished, int64_t(2));
        QCOMPARE(summary.groups.size(), size_t(1));
        QVERIFY(std::fabs(summary.groups[0].testAccuracy.mean - 0.805) < 1e-12);
        QCOMPARE(logtest::queryInt(out, "SELECT count(*) FROM tags WHERE tag = 'sweep:1:1' "
                                        "AND run_id = 4"),
                 int64_t(1));
        QCOMPARE(logtest::queryInt(out, "SELECT count(*) FROM tags WHERE tag = 'keep'"),
                 int64_t(1));

        // Merging again into the same output is refused: a log is never modified in place.
        QVERIFY(!mergeLogs(out, {a}, &report, &error));
        QVERIFY2(error.find("exists") != std::string::npos, error.c_str());
    }

    void renumbersBothSweepTagsAndKeepsOthers() {
        // Two logs with a sweep 1 each: the second's becomes sweep 2, and so do its runs' entry
        // and sweep tags; tags that only look like ours ("sweep:best", "sweep:1x") are kept.
        std::string error;
        const std::string x = sweepLog("x.sqlite", 1, "{}", 0.5);
        const std::string y = sweepLog("y.sqlite", 2, "{}", 0.7);
        logtest::execSql(y, "INSERT INTO tags(run_id, tag) VALUES(1, 'sweep:best'), "
                            "(1, 'sweep:1x')");
        LogMergeReport report;
        const std::string out = file("tags.sqlite");
        QVERIFY2(mergeLogs(out, {x, y}, &report, &error), error.c_str());
        QCOMPARE(report.sweeps, int64_t(2));
        const auto tagsOf = [&out](int64_t run) {
            return logtest::queryText(out, "SELECT group_concat(tag, ' ') FROM (SELECT tag FROM "
                                           "tags WHERE run_id = " +
                                               std::to_string(run) + " ORDER BY tag)");
        };
        QCOMPARE(tagsOf(1), std::string("sweep:1 sweep:1:0"));
        QCOMPARE(tagsOf(2), std::string("sweep:1x sweep:2 sweep:2:0 sweep:best"));
        QCOMPARE(tagsOf(3), std::string("sweep:2 sweep:2:1"));
        auto store = SweepStore::open(out, false, &error);
        QVERIFY2(store, error.c_str());
        QCOMPARE(store->entries(2).size(), size_t(2));
        QCOMPARE(store->entries(2)[1].runId, int64_t(3));
    }

    void joinsTheTasksOfASlurmArray() {
        std::string error;
        std::vector<std::string> tasks;
        for (int i = 2; i >= 0; --i) { // any order
            tasks.push_back(sweepLog("task-" + std::to_string(i) + ".sqlite", 1,
                                     "{\"slurm\":{\"group\":\"g7\",\"index\":" +
                                         std::to_string(i) + ",\"total\":3}}",
                                     0.5 + 0.1 * i));
        }
        tasks.push_back(sweepLog("other.sqlite", 1, "{}", 0.2)); // not of the array
        LogMergeReport report;
        const std::string out = file("array.sqlite");
        QVERIFY2(mergeLogs(out, tasks, &report, &error), error.c_str());
        QCOMPARE(report.runs, int64_t(4));
        QCOMPARE(report.sweeps, int64_t(2));
        auto store = SweepStore::open(out, false, &error);
        const auto sweeps = store->sweeps();
        QCOMPARE(sweeps.size(), size_t(2));
        QCOMPARE(sweeps[0].total, int64_t(3));
        QCOMPARE(sweeps[0].finished, int64_t(3));
        QCOMPARE(sweeps[0].status, std::string("finished"));
        const auto entries = store->entries(sweeps[0].id);
        for (int i = 0; i < 3; ++i) { // entry i is task i's run (run ids follow input order)
            QCOMPARE(entries[size_t(i)].index, int64_t(i));
            QCOMPARE(entries[size_t(i)].runId, int64_t(3 - i));
        }
        QCOMPARE(sweeps[1].total, int64_t(1));
        QCOMPARE(store->entries(sweeps[1].id)[0].runId, int64_t(4));
        QVERIFY(std::fabs(store->summary(sweeps[0].id).groups[0].testAccuracy.mean - 0.6) < 1e-12);
    }

    void refusesBadInputs() {
        std::string error;
        const std::string good = file("good.sqlite");
        {
            auto log = ExperimentLog::open(good, &error);
            addRun(*log, "g", 0.5);
        }
        LogMergeReport report;
        // Not a log at all.
        const std::string text = file("notes.txt");
        logtest::writeFile(text, "hello");
        QVERIFY(!mergeLogs(file("o1.sqlite"), {good, text}, &report, &error));
        QVERIFY2(error.find(text) != std::string::npos, error.c_str());
        QVERIFY(!QFile::exists(QString::fromStdString(file("o1.sqlite"))));
        // An SQLite file of another program.
        const std::string foreign = file("foreign.sqlite");
        logtest::execSql(foreign, "CREATE TABLE t(x)");
        QVERIFY(!mergeLogs(file("o2.sqlite"), {foreign}, &report, &error));
        QVERIFY2(error.find(foreign) != std::string::npos, error.c_str());
        // A log of a newer build.
        const std::string newer = file("newer.sqlite");
        logtest::writeFile(newer, logtest::fileBytes(good));
        logtest::execSql(newer, "PRAGMA user_version = 999");
        const std::string newerBytes = logtest::fileBytes(newer);
        QVERIFY(!mergeLogs(file("o3.sqlite"), {good, newer}, &report, &error));
        QVERIFY2(error.find("newer") != std::string::npos, error.c_str());
        QCOMPARE(logtest::fileBytes(newer), newerBytes);
        // The same input twice.
        QVERIFY(!mergeLogs(file("o4.sqlite"), {good, good}, &report, &error));
        QVERIFY2(error.find("named twice") != std::string::npos, error.c_str());
        QVERIFY(!mergeLogs(file("o5.sqlite"), {}, &report, &error));
    }

    // The audit trail (log schema 4): collected for a CSV run, stored, read back, verified;
    // a changed or missing data file and a changed stored config are named by verify; a merge
    // carries the audit along with the parent renumbered.
    void auditRoundTripVerifyAndMerge() {
        const std::string csv = file("audit data.csv");
        logtest::writeFile(csv, "x,label\n0.5,1\n");
        const std::string config =
            "{\"data\":{\"kind\":\"csv\",\"path\":\"" + csv + "\",\"images\":\"unused\"}}";
        const std::string path = file("audit.sqlite");
        std::string error;
        int64_t parent = 0, child = 0;
        {
            auto log = ExperimentLog::open(path, &error);
            QVERIFY2(log, error.c_str());
            addRun(*log, "pad", 0.5); // the merge below must renumber the parent
            parent = log->createRun(RunInfo{"parent", config, "csv", "cpu", 1, {}});
            child = log->createRun(RunInfo{"child", config, "csv", "cpu", 1, {}});
            for (int64_t run : {parent, child}) {
                RunAudit audit = collectRunAudit(config, "cpu", "1.13.0",
                                                 run == child ? std::vector<std::string>{
                                                     "x", "pruned-from:" + std::to_string(parent)}
                                                              : std::vector<std::string>{});
                audit.runId = run;
                QVERIFY2(recordRunAudit(path, audit, &error), error.c_str());
            }
        }
        const auto audit = readRunAudit(path, child, &error);
        QVERIFY2(audit, error.c_str());
        QCOMPARE(audit->parentRun, parent);
        QCOMPARE(audit->parentKind, std::string("pruned"));
        QCOMPARE(audit->device, std::string("cpu"));
        QCOMPARE(audit->torchVersion, std::string("1.13.0"));
        QCOMPARE(audit->configSha256, sha256Hex(canonicalConfigJson(config)));
        QVERIFY(!audit->user.empty() && !audit->host.empty());
        QVERIFY2(audit->commandLine.find("tst_log_merge") != std::string::npos,
                 audit->commandLine.c_str());
        QCOMPARE(audit->dataFiles.size(), size_t(1)); // csv: data.images is not read
        QCOMPARE(audit->dataFiles[0].field, std::string("data.path"));
        QCOMPARE(audit->dataFiles[0].bytes, int64_t(14));
        QCOMPARE(audit->dataFiles[0].sha256, sha256Hex("x,label\n0.5,1\n"));
        QVERIFY(runAuditJson(*audit).find("\"data_sha256\":{\"" + csv) != std::string::npos);
        QVERIFY(verifyRunAudit(path, child).reproducible());

        logtest::writeFile(csv, "x,label\n0.5,0\n"); // same size, other bytes
        AuditVerification v = verifyRunAudit(path, child);
        QVERIFY(!v.reproducible());
        QCOMPARE(v.checks.size(), size_t(2));
        QCOMPARE(v.checks[0].status, std::string("ok"));
        QCOMPARE(v.checks[1].status, std::string("mismatch"));
        QVERIFY(v.checks[1].detail.find(csv) != std::string::npos);
        QFile::remove(QString::fromStdString(csv));
        QCOMPARE(verifyRunAudit(path, child).checks[1].status, std::string("missing"));
        logtest::execSql(path, "UPDATE runs SET config_json = '{}' WHERE id = " +
                                   std::to_string(child));
        QCOMPARE(verifyRunAudit(path, child).checks[0].status, std::string("mismatch"));
        QCOMPARE(verifyRunAudit(path, 1).checks.at(0).status, std::string("not_recorded"));
        QVERIFY(!verifyRunAudit(path, 99).error.empty());

        const std::string other = file("audit_other.sqlite");
        {
            auto log = ExperimentLog::open(other, &error);
            QVERIFY2(log, error.c_str());
            addRun(*log, "first", 0.5);
        }
        LogMergeReport report;
        const std::string merged = file("audit_merged.sqlite");
        QVERIFY2(mergeLogs(merged, {other, path}, &report, &error), error.c_str());
        const auto moved = readRunAudit(merged, child + 1, &error); // after the other's run
        QVERIFY2(moved, error.c_str());
        QCOMPARE(moved->parentRun, parent + 1);
        QCOMPARE(moved->configSha256, audit->configSha256);
    }
};

QTEST_GUILESS_MAIN(TstLogMerge)
#include "tst_log_merge.moc"
