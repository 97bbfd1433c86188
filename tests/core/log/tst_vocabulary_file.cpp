// SPDX-License-Identifier: GPL-3.0-or-later
// The vocabulary file beside a sequence model's checkpoint (mor/vocabulary.h): its exact text,
// the reader's errors, the display rule, and a run's names read through the log's checkpoints;
// the counts over traces' tokens that the Sequence view and `mor trace` state (mor/token_trace.h).
#include "log_test_util.h"
#include "mor/experiment_log.h"
#include "mor/log_reader.h"
#include "mor/token_trace.h"
#include "mor/vocabulary.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace mor;

class TstVocabularyFile : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string file(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void displayRuleEscapesNewlineAndTab();
    void fileTextRoundTripsEveryToken();
    void invalidUtf8IsReplacedNotLost();
    void unreadableFilesNameTheFile_data();
    void unreadableFilesNameTheFile();
    void runNamesComeFromTheCheckpointAtOrBeforeTheStep();
    void traceTargetsNameTheirIdsAndMergeKeepsTheFirst();
    void traceCountsOverEveryTokenOfEveryTrace();
};

void TstVocabularyFile::displayRuleEscapesNewlineAndTab() {
    QCOMPARE(displayToken("\n"), std::string("\\n"));
    QCOMPARE(displayToken("\t"), std::string("\\t"));
    QCOMPARE(displayToken(" "), std::string(" "));
    QCOMPARE(displayToken("ab"), std::string("ab"));
    QCOMPARE(displayToken("\n\n"), std::string("\n\n")); // only a lone control token
    QCOMPARE(displayToken(""), std::string(""));
}

void TstVocabularyFile::fileTextRoundTripsEveryToken() {
    const std::vector<std::string> tokens{"a", "\n", "\t", " ", "\"", "\\", "\xC3\xA9", "+"};
    const std::string text = vocabularyFileText(tokens);
    // One JSON list on one line, control characters escaped, UTF-8 kept as it is.
    QCOMPARE(text, std::string("[\"a\",\"\\n\",\"\\t\",\" \",\"\\\"\",\"\\\\\",\"\xC3\xA9\",\"+\"]"));
    const std::string checkpoint = file("round.pt");
    logtest::writeFile(checkpoint + ".vocab", text);
    std::vector<std::string> read{"stale"};
    std::string error;
    QVERIFY2(readVocabularyFile(checkpoint, &read, &error), error.c_str());
    QVERIFY(read == tokens);
    QVERIFY(error.empty());
}

void TstVocabularyFile::invalidUtf8IsReplacedNotLost() {
    // A byte-level token that is not UTF-8 on its own (a corpus with Latin-1 bytes): the file
    // stays valid JSON with U+FFFD in its place, and the ids after it keep their places.
    const std::string text = vocabularyFileText({"x", std::string(1, char(0xE9)), "y"});
    const std::string checkpoint = file("latin1.pt");
    logtest::writeFile(checkpoint + ".vocab", text);
    std::vector<std::string> read;
    std::string error;
    QVERIFY2(readVocabularyFile(checkpoint, &read, &error), error.c_str());
    QCOMPARE(read.size(), size_t(3));
    QCOMPARE(read[0], std::string("x"));
    QCOMPARE(read[1], std::string("\xEF\xBF\xBD"));
    QCOMPARE(read[2], std::string("y"));
}

void TstVocabularyFile::unreadableFilesNameTheFile_data() {
    QTest::addColumn<QString>("content"); // "-" = no file
    QTest::addColumn<QString>("message");
    QTest::newRow("missing") << "-" << "has no vocabulary file";
    QTest::newRow("not JSON") << "[\"a\", " << "is not a JSON list of tokens";
    QTest::newRow("an object") << "{\"a\": 0}" << "is not a JSON list of tokens";
    QTest::newRow("empty list") << "[]" << "is not a JSON list of tokens";
    QTest::newRow("empty file") << "" << "is not a JSON list of tokens";
}

void TstVocabularyFile::unreadableFilesNameTheFile() {
    QFETCH(QString, content);
    QFETCH(QString, message);
    const std::string checkpoint = file(QTest::currentDataTag());
    if (content != "-") {
        logtest::writeFile(checkpoint + ".vocab", content.toStdString());
    }
    std::vector<std::string> read{"kept"};
    std::string error;
    QVERIFY(!readVocabularyFile(checkpoint, &read, &error));
    QVERIFY2(error.find(checkpoint + ".vocab") != std::string::npos, error.c_str());
    QVERIFY2(error.find(message.toStdString()) != std::string::npos, error.c_str());
    QCOMPARE(read, std::vector<std::string>{"kept"}); // a failed read leaves the list alone
}

void TstVocabularyFile::runNamesComeFromTheCheckpointAtOrBeforeTheStep() {
    const std::string path = file("names.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    const int64_t run = log->createRun(RunInfo{"r", "{}", "text", "cpu", 1, {}});
    const int64_t bare = log->createRun(RunInfo{"bare", "{}", "text", "cpu", 1, {}});
    const std::string at10 = file("names-10.pt"), at20 = file("names-20.pt");
    const std::string at30 = file("names-30.pt"); // its vocabulary file is gone
    logtest::writeFile(at10 + ".vocab", vocabularyFileText({"a", "b"}));
    logtest::writeFile(at20 + ".vocab", vocabularyFileText({"a", "\n", "c"}));
    log->logCheckpoint(run, 10, at10, "{}");
    log->logCheckpoint(run, 20, at20, "{}");
    log->logCheckpoint(run, 30, at30, "{}");
    log->flush();
    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());

    TokenNames names = runTokenNames(*reader, run, 15, &error);
    QCOMPARE(names, (TokenNames{{0, "a"}, {1, "b"}}));
    QVERIFY(error.empty());
    names = runTokenNames(*reader, run, 20, &error);
    QCOMPARE(names, (TokenNames{{0, "a"}, {1, "\\n"}, {2, "c"}})); // in display text
    names = runTokenNames(*reader, run, 5, &error);
    QVERIFY(names.empty());
    QCOMPARE(error, "run " + std::to_string(run) + " has no checkpoint at or before step 5");
    names = runTokenNames(*reader, run, -1, &error); // the last: step 30, file missing
    QVERIFY(names.empty());
    QVERIFY2(error.find(at30 + ".vocab") != std::string::npos, error.c_str());
    names = runTokenNames(*reader, bare, -1, &error);
    QVERIFY(names.empty());
    QCOMPARE(error, "run " + std::to_string(bare) + " has no checkpoint");
    QCOMPARE(runTokenNames(*reader, run, 25), (TokenNames{{0, "a"}, {1, "\\n"}, {2, "c"}}));
}

void TstVocabularyFile::traceTargetsNameTheirIdsAndMergeKeepsTheFirst() {
    TokenTrace first, second;
    TokenStep t;
    t.target = 4;
    t.targetText = "\\n";
    first.tokens.push_back(t);
    t.target = -1; // no target: names nothing
    t.targetText = "ignored";
    first.tokens.push_back(t);
    t.target = 7;
    t.targetText = "";  // an empty text names nothing either
    second.tokens.push_back(t);
    t.target = 2;
    t.targetText = "q";
    second.tokens.push_back(t);
    const TokenNames traced = traceTokenNames({first, second});
    QCOMPARE(traced, (TokenNames{{2, "q"}, {4, "\\n"}}));
    const TokenNames merged = mergedTokenNames(traced, {{2, "other"}, {7, "z"}});
    QCOMPARE(merged, (TokenNames{{2, "q"}, {4, "\\n"}, {7, "z"}}));
}

void TstVocabularyFile::traceCountsOverEveryTokenOfEveryTrace() {
    TokenTrace a, b;
    const auto token = [](int depth, int64_t target, int64_t pred) {
        TokenStep t;
        t.depth = depth;
        t.target = target;
        t.pred = pred;
        return t;
    };
    a.tokens = {token(1, -1, 3), token(3, 5, 5), token(2, 5, 4)}; // a question, right, wrong
    b.tokens = {token(0, 2, 2), token(3, 1, 1)}; // a position without a depth counts no depth
    const TraceCounts c = traceCounts({a, b});
    QCOMPARE(c.tokens, 5);
    QCOMPARE(c.scored, 4);
    QCOMPARE(c.depthSum, 9.0);
    QCOMPARE(c.meanDepth(), 2.25);
    QCOMPARE(c.targets, 4);
    QCOMPARE(c.right, 3);
    const TraceCounts none = traceCounts({});
    QCOMPARE(none.tokens, 0);
    QCOMPARE(none.meanDepth(), 0.0);
}

QTEST_GUILESS_MAIN(TstVocabularyFile)
#include "tst_vocabulary_file.moc"
