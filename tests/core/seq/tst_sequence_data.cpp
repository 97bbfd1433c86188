// Token-sequence data (text, running parity, reversed-digit addition with carry classes,
// pointer chasing with hop classes) and the validation of the recursion config fields.
#include "data/sequence_data.h"
#include "mor/config.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <set>

using namespace mor;

class TstSequenceData : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void additionCarryClasses_data();
    void additionCarryClasses();
    void additionSequencesHaveTargetsOnlyOnAnswerDigits();
    void runningParityTargetIsPrefixParity();
    void pointerChaseTargetsFollowThePermutation();
    void pointerChasePromptsEncodeLongestTokenFirst();
    void textSplitsCharactersAndKeepsPartsApart();
    void bundledCorpusIsFoundAndLoads();
    void missingTextFileIsAnErrorNamingTheFile();
    void recursionConfigErrorsNameTheField_data();
    void recursionConfigErrorsNameTheField();
    void capacityScheduleParses();
    void bundledReflectionDemosStillValidate();
};

void TstSequenceData::additionCarryClasses_data() {
    QTest::addColumn<qlonglong>("a");
    QTest::addColumn<qlonglong>("b");
    QTest::addColumn<QList<int>>("classes"); // least significant answer digit first
    QTest::newRow("no carries") << 1234LL << 4321LL << QList<int>{0, 0, 0, 0, 0};
    QTest::newRow("one carry") << 5LL << 5LL << QList<int>{0, 1, 0, 0, 0};
    QTest::newRow("ripple 9999+1") << 9999LL << 1LL << QList<int>{0, 1, 2, 2, 2};
    QTest::newRow("two separate carries") << 505LL << 505LL << QList<int>{0, 1, 0, 1, 0};
}

void TstSequenceData::additionCarryClasses() {
    QFETCH(qlonglong, a);
    QFETCH(qlonglong, b);
    QFETCH(QList<int>, classes);
    const auto got = data::additionCarryClasses(a, b, 4);
    QCOMPARE(QList<int>(got.begin(), got.end()), classes);
}

void TstSequenceData::additionSequencesHaveTargetsOnlyOnAnswerDigits() {
    DataConfig c;
    c.kind = mor::DataKind::Addition;
    c.digits = 3;
    c.samples = 200;
    const auto d = data::loadSequenceData(c, 7);
    QVERIFY2(d.ok(), d.error.c_str());
    QCOMPARE(d.seqLen, int64_t(11)); // "abc+def=" + 4 answer digits, minus the last
    QCOMPARE(d.vocab.size(), size_t(12));
    QCOMPARE(d.validation.count + d.test.count + d.train.count, int64_t(200));
    const auto& s = d.train;
    for (int64_t i = 0; i < s.count; ++i) {
        const int64_t* in = s.inputs.data() + i * s.length;
        const int64_t* tg = s.targets.data() + i * s.length;
        QCOMPARE(in[3], int64_t(10)); // '+'
        QCOMPARE(in[7], int64_t(11)); // '='
        int64_t a = 0, b = 0, sum = 0, scale = 1;
        for (int k = 0; k < 3; ++k, scale *= 10) {
            a += in[k] * scale;
            b += in[4 + k] * scale;
        }
        scale = 1;
        for (int64_t t = 0; t < s.length; ++t) {
            if (t < 7) {
                QCOMPARE(tg[t], int64_t(-1));
            } else {
                sum += tg[t] * scale;
                scale *= 10;
            }
        }
        QCOMPARE(sum, a + b);
        const auto classes = data::additionCarryClasses(a, b, 3);
        for (int64_t t = 7; t < s.length; ++t) {
            QCOMPARE(s.difficulty[static_cast<size_t>(i * s.length + t)],
                     classes[static_cast<size_t>(t - 7)]);
        }
    }
}

void TstSequenceData::runningParityTargetIsPrefixParity() {
    DataConfig c;
    c.kind = mor::DataKind::RunningParity;
    c.seqLen = 16;
    c.samples = 50;
    const auto d = data::loadSequenceData(c, 3);
    QVERIFY2(d.ok(), d.error.c_str());
    QCOMPARE(d.difficultyNames.size(), size_t(4));
    const auto& s = d.train;
    for (int64_t i = 0; i < s.count; ++i) {
        int64_t parity = 0;
        for (int64_t t = 0; t < 16; ++t) {
            parity ^= s.inputs[static_cast<size_t>(i * 16 + t)];
            QCOMPARE(s.targets[static_cast<size_t>(i * 16 + t)], parity);
            QCOMPARE(s.difficulty[static_cast<size_t>(i * 16 + t)], int(t / 4));
        }
    }
}

void TstSequenceData::pointerChaseTargetsFollowThePermutation() {
    // Each sequence: a permutation of the digits, then 8 queries "d>>" each followed by its
    // answer. Following the permutation by hand must give every scored target; the number
    // of ">" is the class + 1, and nothing else is scored.
    for (const int hops : {1, 3, 8}) {
        DataConfig c;
        c.kind = mor::DataKind::PointerChase;
        c.hops = hops;
        c.samples = 400;
        const auto d = data::loadSequenceData(c, 11);
        QVERIFY2(d.ok(), d.error.c_str());
        QCOMPARE(d.seqLen, int64_t(25));
        QCOMPARE(d.vocab.size(), size_t(10 + 10 * hops));
        QCOMPARE(d.vocab[10], std::string("0>"));
        QCOMPARE(d.vocab.back(), std::string("9") + std::string(static_cast<size_t>(hops), '>'));
        QCOMPARE(d.difficultyNames.size(), size_t(hops));
        QCOMPARE(d.difficultyNames.back(), std::to_string(hops) + (hops == 1 ? " hop" : " hops"));
        const auto& s = d.train;
        QCOMPARE(s.count, int64_t(280)); // 15% validation, 15% test
        std::vector<int> perClass(static_cast<size_t>(hops), 0);
        for (int64_t i = 0; i < s.count; ++i) {
            const auto at = [&](int64_t t) { return static_cast<size_t>(i * s.length + t); };
            std::vector<int64_t> perm;
            for (int64_t t = 0; t < 10; ++t) {
                perm.push_back(s.inputs[at(t)]);
                QCOMPARE(s.targets[at(t)], int64_t(-1));
            }
            QCOMPARE(std::set<int64_t>(perm.begin(), perm.end()).size(), size_t(10));
            for (int64_t t = 10; t < s.length; ++t) {
                const std::string& token = d.vocab[static_cast<size_t>(s.inputs[at(t)])];
                if (t % 2 == 1) { // an answer: which query comes next is not predicted
                    QCOMPARE(token.size(), size_t(1));
                    QCOMPARE(s.targets[at(t)], int64_t(-1));
                    QCOMPARE(s.difficulty[at(t)], -1);
                    continue;
                }
                const int steps = static_cast<int>(token.size()) - 1;
                QVERIFY(steps >= 1 && steps <= hops);
                QCOMPARE(token.substr(1), std::string(static_cast<size_t>(steps), '>'));
                int64_t where = token[0] - '0';
                for (int k = 0; k < steps; ++k) {
                    where = perm[static_cast<size_t>(where)];
                }
                QCOMPARE(s.targets[at(t)], where);
                QCOMPARE(s.difficulty[at(t)], steps - 1);
                ++perClass[static_cast<size_t>(steps - 1)];
                if (t + 1 < s.length) { // the answer itself is the next input
                    QCOMPARE(s.inputs[at(t + 1)], where);
                }
            }
        }
        // Uniform number of steps: every class near 8 * 280 / hops queries.
        for (const int n : perClass) {
            QVERIFY2(std::abs(n - 8 * 280 / hops) < 5 * std::sqrt(8.0 * 280 / hops),
                     std::to_string(n).c_str());
        }
    }
}

void TstSequenceData::pointerChasePromptsEncodeLongestTokenFirst() {
    DataConfig c;
    c.kind = mor::DataKind::PointerChase;
    c.hops = 3;
    c.samples = 10;
    const auto d = data::loadSequenceData(c, 1);
    QVERIFY2(d.ok(), d.error.c_str());
    const auto ids = data::encodeText(d.vocab, -1, "3174029586 2>> 4 7>>>x5>");
    std::vector<std::string> tokens;
    for (const int64_t id : ids) {
        tokens.push_back(d.vocab[static_cast<size_t>(id)]);
    }
    QCOMPARE(tokens, (std::vector<std::string>{"3", "1", "7", "4", "0", "2", "9", "5", "8", "6",
                                               "2>>", "4", "7>>>", "5>"}));
    // A character vocabulary still encodes one character at a time.
    const std::vector<std::string> chars{"?", "a", "b", "="};
    QCOMPARE(data::encodeText(chars, 0, "a=b!"), (std::vector<int64_t>{1, 3, 2, 0}));
}

void TstSequenceData::textSplitsCharactersAndKeepsPartsApart() {
    const auto chars = data::splitCharacters("a\xC3\xA9\n\xE2\x82\xAC\xFF");
    QCOMPARE(chars, (std::vector<std::string>{"a", "\xC3\xA9", "\n", "\xE2\x82\xAC", "\xFF"}));
    QTemporaryDir dir;
    const std::string path = dir.filePath("t.txt").toStdString();
    std::string text;
    for (int i = 0; i < 400; ++i) {
        text += "abc d\xC3\xA9" "f\n";
    }
    std::ofstream(path) << text;
    DataConfig c;
    c.kind = mor::DataKind::Text;
    c.textPath = path;
    c.seqLen = 16;
    const auto d = data::loadSequenceData(c, 1);
    QVERIFY2(d.ok(), d.error.c_str());
    QCOMPARE(d.vocab.size(), size_t(1 + 8)); // unknown + a b c space d é f \n
    // 3200 characters, 15% validation + 15% test held out at the end
    QVERIFY2(d.trainStream.size() >= 2239 && d.trainStream.size() <= 2241,
             std::to_string(d.trainStream.size()).c_str());
    QVERIFY(d.validation.count > 0);
    QCOMPARE(d.validation.targets[0], d.validation.inputs[1]); // next-character targets
    const auto ids = data::encodeText(d.vocab, d.unknownId, "dz");
    QCOMPARE(ids.size(), size_t(2));
    QCOMPARE(ids[1], d.unknownId);
}

void TstSequenceData::bundledCorpusIsFoundAndLoads() {
    const std::string path = data::bundledCorpusPath();
    QVERIFY2(!path.empty(), "resources/corpus/fortunes.txt");
    DataConfig c;
    c.kind = mor::DataKind::Text;
    const auto d = data::loadSequenceData(c, 1);
    QVERIFY2(d.ok(), d.error.c_str());
    QVERIFY(d.trainStream.size() > 200000);
    QVERIFY(d.vocab.size() > 60 && d.vocab.size() < 200);
}

void TstSequenceData::missingTextFileIsAnErrorNamingTheFile() {
    DataConfig c;
    c.kind = mor::DataKind::Text;
    c.textPath = "/nonexistent/corpus.txt";
    const auto d = data::loadSequenceData(c, 1);
    QVERIFY(!d.ok());
    QVERIFY2(d.error.find("data.text_path") != std::string::npos, d.error.c_str());
    QVERIFY2(d.error.find("/nonexistent/corpus.txt") != std::string::npos, d.error.c_str());
}

void TstSequenceData::recursionConfigErrorsNameTheField_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("field");
    const QString base = R"({"data":{"kind":"text"%1},"model":{"family":"recursion",
        "recursion":{%2}}})";
    QTest::newRow("routing") << base.arg("", R"("routing":"random")") << "model.recursion.routing";
    QTest::newRow("heads divide d_model")
        << base.arg("", R"("d_model":30,"heads":4)") << "model.recursion.heads";
    QTest::newRow("recursions") << base.arg("", R"("recursions":0)")
                                << "model.recursion.recursions";
    QTest::newRow("capacity increases")
        << base.arg("", R"("recursions":3,"capacity":"0.5,1,0.2")") << "model.recursion.capacity";
    QTest::newRow("capacity count")
        << base.arg("", R"("recursions":3,"capacity":"1,0.5")") << "model.recursion.capacity";
    QTest::newRow("threshold") << base.arg("", R"("threshold":0)") << "model.recursion.threshold";
    QTest::newRow("kv sharing with vanilla")
        << base.arg("", R"("routing":"vanilla","kv_sharing":true)")
        << "model.recursion.kv_sharing";
    QTest::newRow("seq_len") << base.arg(R"(,"seq_len":1)", "") << "data.seq_len";
    QTest::newRow("hops") << base.arg(R"(,"hops":9)", "") << "data.hops";
    QTest::newRow("family") << base.arg("", "").replace("\"recursion\",", "\"loop\",")
                            << "model.family";
    QTest::newRow("sequence data with reflection")
        << QString(R"({"data":{"kind":"addition"}})") << "model.family";
    QTest::newRow("vector data with recursion")
        << QString(R"({"data":{"kind":"parity"},"model":{"family":"recursion"}})") << "data.kind";
}

void TstSequenceData::recursionConfigErrorsNameTheField() {
    QFETCH(QString, json);
    QFETCH(QString, field);
    const auto parsed = parseConfig(json.toStdString());
    QVERIFY2(!parsed.ok(), json.toUtf8().constData());
    bool found = false;
    for (const auto& e : parsed.errors) {
        found = found || (e.field == field.toStdString() &&
                          e.message.find(field.toStdString()) != std::string::npos);
    }
    QVERIFY2(found, parsed.message().c_str());
}

void TstSequenceData::capacityScheduleParses() {
    RecursionConfig r;
    r.recursions = 4;
    std::string error;
    QCOMPARE(recursionCapacities(r, &error), (std::vector<double>{1.0, 0.75, 0.5, 0.25}));
    r.capacity = "1, 0.5,0.5 ,0.25";
    QCOMPARE(recursionCapacities(r, &error), (std::vector<double>{1.0, 0.5, 0.5, 0.25}));
    r.capacity = "1,0.5,x,0.1";
    QVERIFY(recursionCapacities(r, &error).empty());
    QVERIFY2(error.find("1,0.5,0.25,0.125") != std::string::npos, error.c_str());
    const auto ok = parseConfig(R"({"data":{"kind":"addition","digits":3},
        "model":{"family":"recursion","recursion":{"routing":"token_choice","recursions":4}}})");
    QVERIFY2(ok.ok(), ok.message().c_str());
    QCOMPARE(ok.config.model.recursion.recursions, int64_t(4));
}

void TstSequenceData::bundledReflectionDemosStillValidate() {
    for (const char* name : {"parity-dense", "parity-reflection", "parity-reader", "conflicts",
                             "mixed-routing", "pondernet-parity", "act-parity",
                             "adaptive-depth", "playground-routing", "playground-thinking",
                             "playground-border"}) {
        const auto c = loadConfigFile(std::string(MOR_SOURCE_DIR "/resources/demos/") + name +
                                      ".json");
        QVERIFY2(c.ok(), (std::string(name) + ": " + c.message()).c_str());
        QVERIFY(c.config.model.family == Family::Reflection);
    }
}

QTEST_GUILESS_MAIN(TstSequenceData)
#include "tst_sequence_data.moc"
