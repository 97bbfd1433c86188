// SPDX-License-Identifier: GPL-3.0-or-later
#include "mor/config.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

/// The keys of the "model" object of a JSON text as written (sorted), read with Qt's parser
/// so that nothing of core's reading or flattening is involved.
QStringList modelKeys(const std::string& configJson) {
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(configJson));
    return doc.object().value(QStringLiteral("model")).toObject().keys();
}

std::string field(const std::vector<std::pair<std::string, std::string>>& leaves,
                  const std::string& path) {
    for (const auto& [key, value] : leaves) {
        if (key == path) {
            return value;
        }
    }
    return "<missing>";
}

} // namespace

class TstConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void emptyObjectGivesDefaults() {
        const auto result = mor::parseConfig("{}");
        QVERIFY2(result.ok(), result.message().c_str());
        QCOMPARE(result.config.model.experts.size(), size_t(4));
        QCOMPARE(result.config.model.router.topK, int64_t(2));
        QCOMPARE(result.config.data.kind, mor::DataKind::Parity);
        QCOMPARE(result.config.train.batchSize, int64_t(64));
    }

    void defaultConfigIsValid() { QVERIFY(mor::validateConfig(mor::ExperimentConfig{}).empty()); }

    void minimalDataSectionIsValid() {
        const auto result = mor::parseConfig(R"({"data":{"kind":"parity"}})");
        QVERIFY2(result.ok(), result.message().c_str());
    }

    void readsSnakeCaseKeys() {
        const auto result = mor::parseConfig(R"({
            "name": "run A",
            "data": {"kind": "csv", "path": "x.csv", "label_column": 3,
                     "validation_fraction": 0.2, "test_fraction": 0.1},
            "model": {"router": {"strategy": "top_p", "top_k": 1, "top_p": 0.7,
                                 "renormalize": false},
                      "experts": [{"cell": "mlp", "max_depth": 3},
                                  {"width": 32, "halting": "act", "halt_threshold": 0.99}],
                      "task_loss": "final", "improvement_weight": 0.25},
            "train": {"learning_rate": 0.001, "batch_size": 128, "log_traces": false}
        })");
        QVERIFY2(result.ok(), result.message().c_str());
        const auto& c = result.config;
        QCOMPARE(c.name, std::string("run A"));
        QCOMPARE(c.data.labelColumn, std::string("3"));
        QCOMPARE(c.data.validationFraction, 0.2);
        QCOMPARE(c.model.router.strategy, mor::RoutingStrategy::TopP);
        QCOMPARE(c.model.router.topP, 0.7);
        QCOMPARE(c.model.router.renormalize, false);
        QCOMPARE(c.model.experts.size(), size_t(2));
        QCOMPARE(c.model.experts[0].cell, mor::ExpertCell::Mlp);
        QCOMPARE(c.model.experts[0].maxDepth, int64_t(3));
        QCOMPARE(c.model.experts[0].width, int64_t(64)); // default kept
        QCOMPARE(c.model.experts[1].width, int64_t(32));
        QCOMPARE(c.model.experts[1].haltThreshold, 0.99);
        QVERIFY(c.model.taskLoss == mor::TaskLoss::Final);
        QCOMPARE(c.model.improvementWeight, 0.25);
        QCOMPARE(c.train.learningRate, 0.001);
        QCOMPARE(c.train.batchSize, int64_t(128));
        QCOMPARE(c.train.logTraces, false);
    }

    void badConfigGivesMessage_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected"); // a substring of message()

        QTest::newRow("unknown field with suggestion")
            << R"({"model":{"router":{"topk":2}}})"
            << "model.router.topk is not a known field (did you mean top_k?)";
        QTest::newRow("camelCase key suggests snake_case")
            << R"({"data":{"labelColumn":"last"}})"
            << "data.labelColumn is not a known field (did you mean label_column?)";
        QTest::newRow("unknown top-level section")
            << R"({"modle":{}})"
            << "modle is not a known field (did you mean model?)";
        QTest::newRow("unknown field without close match") << R"({"train":{"zzzzzzzz":1}})"
                                                           << "train.zzzzzzzz is not a known field";
        QTest::newRow("unknown field inside an expert")
            << R"({"model":{"experts":[{},{"widht":3}]}})"
            << "model.experts[1].widht is not a known field (did you mean width?)";
        QTest::newRow("string for integer")
            << R"({"train":{"batch_size":"64"}})"
            << R"(train.batch_size must be an integer (got string "64"))";
        QTest::newRow("fraction for integer")
            << R"({"model":{"router":{"top_k":1.5}}})"
            << "model.router.top_k must be an integer (got number 1.5)";
        QTest::newRow("string for number")
            << R"({"train":{"learning_rate":"fast"}})"
            << R"(train.learning_rate must be a number (got string "fast"))";
        QTest::newRow("number for bool") << R"({"train":{"log_traces":1}})"
                                         << "train.log_traces must be true or false (got number 1)";
        QTest::newRow("number for string") << R"({"data":{"kind":3}})"
                                           << "data.kind must be a string (got number 3)";
        QTest::newRow("experts not a list")
            << R"({"model":{"experts":{}}})"
            << "model.experts must be a list of objects (got an object)";
        QTest::newRow("expert not an object")
            << R"({"model":{"experts":[{}, 3]}})"
            << "model.experts[1] must be an object (got number 3)";
        QTest::newRow("section not an object") << R"({"train":[]})"
                                               << "train must be an object (got a list)";
        QTest::newRow("domains entry not a string")
            << R"({"data":{"domains":["parity",2]}})"
            << "data.domains[1] must be a string (got number 2)";
        QTest::newRow("label column as float")
            << R"({"data":{"label_column":1.5}})"
            << "data.label_column must be a string or an integer (got number 1.5)";
        QTest::newRow("root is not an object")
            << R"([1,2])"
            << "the configuration must be a JSON object (got a list)";

        QTest::newRow("top_k above expert count")
            << R"({"model":{"router":{"top_k":9}}})"
            << "model.router.top_k = 9 but there are 4 experts";
        QTest::newRow("top_k above single expert")
            << R"({"model":{"experts":[{}]}})"
            << "model.router.top_k = 2 but there is 1 expert";
        QTest::newRow("top_k zero") << R"({"model":{"router":{"top_k":0}}})"
                                    << "model.router.top_k = 0 must be at least 1";
        QTest::newRow("max_depth zero")
            << R"({"model":{"experts":[{},{},{"max_depth":0}]}})"
            << "model.experts[2].max_depth = 0 must be between 1 and 64";
        QTest::newRow("read_features negative")
            << R"({"model":{"experts":[{"read_features":-1}]}})"
            << "model.experts[0].read_features = -1 must be between 0 and 65536";
        QTest::newRow("batch size zero") << R"({"train":{"batch_size":0}})"
                                         << "train.batch_size = 0 must be between 1 and 65536";
        QTest::newRow("unknown data kind")
            << R"({"data":{"kind":"foo"}})"
            << R"(data.kind = "foo" must be one of parity, modular, majority, mixed, csv, idx, )"
               R"(spirals, circles, xor, blobs, checkerboard, moons, text, running_parity, )"
               R"(addition)";
        QTest::newRow("csv without path") << R"({"data":{"kind":"csv"}})"
                                          << "data.path must name a CSV file";
        QTest::newRow("idx without images") << R"({"data":{"kind":"idx","labels":"l"}})"
                                            << "data.images must name an IDX images file";
        QTest::newRow("idx without labels") << R"({"data":{"kind":"idx","images":"i"}})"
                                            << "data.labels must name an IDX labels file";
        QTest::newRow("validation fraction too large")
            << R"({"data":{"validation_fraction":0.95}})"
            << "data.validation_fraction = 0.95 must be between 0 and 0.9";
        QTest::newRow("fractions sum to one")
            << R"({"data":{"validation_fraction":0.5,"test_fraction":0.5}})"
            << "data.validation_fraction + data.test_fraction = 1 must be less than 1";
        QTest::newRow("no experts") << R"({"model":{"experts":[]}})"
                                    << "there must be between 1 and 64 experts";
        QTest::newRow("too many experts")
            << QString(R"({"model":{"experts":[%1{}]}})").arg(QString("{},").repeated(64))
            << "model.experts has 65 entries";
        QTest::newRow("shared experts not below expert count")
            << R"({"model":{"router":{"strategy":"shared_routed","shared_experts":4,"top_k":1}}})"
            << "model.router.shared_experts = 4 must be between 1 and 3";
        QTest::newRow("shared_routed top_k over routed experts")
            << R"({"model":{"router":{"strategy":"shared_routed","shared_experts":3,"top_k":2}}})"
            << "model.router.top_k = 2 but shared_routed leaves 1 routed experts";
        QTest::newRow("selector weight without domains")
            << R"({"model":{"router":{"selector_weight":0.5}}})"
            << "model.router.selector_weight = 0.5 needs domain labels";
        QTest::newRow("unknown router strategy")
            << R"({"model":{"router":{"strategy":"best"}}})"
            << R"(model.router.strategy = "best" must be one of top_k, threshold, top_p, expert_choice, shared_routed, random)";
        QTest::newRow("unknown cell")
            << R"({"model":{"experts":[{"cell":"lstm"}]}})"
            << R"(model.experts[0].cell = "lstm" must be one of mlp, gru, transformer)";
        QTest::newRow("unknown halting")
            << R"({"model":{"experts":[{"halting":"never"}],"router":{"top_k":1}}})"
            << R"(model.experts[0].halting = "never" must be one of critique, pondernet, act, fixed)";
        QTest::newRow("temperature zero")
            << R"({"model":{"router":{"temperature":0}}})"
            << "model.router.temperature = 0 must be greater than 0 and at most 100";
        QTest::newRow("unknown domain")
            << R"({"data":{"kind":"mixed","domains":["parity","vision"]}})"
            << R"(data.domains[1] = "vision" must be one of parity, modular, majority)";
        QTest::newRow("duplicate domain")
            << R"({"data":{"kind":"mixed","domains":["parity","parity"]}})"
            << R"(data.domains[1] = "parity" is listed twice)";
        QTest::newRow("mixed with no domains") << R"({"data":{"kind":"mixed","domains":[]}})"
                                               << "data.domains must list at least one";
        QTest::newRow("negative label noise")
            << R"({"data":{"label_noise":-0.1}})"
            << "data.label_noise = -0.1 must be between 0 and 0.5";
        QTest::newRow("unknown fusion")
            << R"({"model":{"integration":{"fusion":"vote"}}})"
            << R"(model.integration.fusion = "vote" must be one of confidence, attention, evidential)";
        QTest::newRow("re_reflect without extra iterations")
            << R"({"model":{"integration":{"resolution":"re_reflect","extra_iterations":0}}})"
            << "model.integration.extra_iterations = 0 must be between 1 and 64";
        QTest::newRow("feedback without sampled routing")
            << R"({"model":{"router":{"feedback_weight":0.5}}})"
            << "model.router.feedback_weight = 0.5 is a score-function estimator and needs "
               "sampled routing: set model.router.sampling to \"gumbel\"";
        QTest::newRow("gumbel sampling with expert choice")
            << R"({"model":{"router":{"strategy":"expert_choice","sampling":"gumbel"}}})"
            << "model.router.sampling = \"gumbel\" needs model.router.strategy top_k or "
               "shared_routed";
        QTest::newRow("raw input encoder with tokens")
            << R"({"model":{"encoder":{"layers":0,"input":"tokens"}}})"
            << "model.encoder.layers = 0 (raw input) needs model.encoder.input \"vector\"";
        QTest::newRow("act epsilon zero")
            << R"({"model":{"experts":[{"act_epsilon":0}]}})"
            << "model.experts[0].act_epsilon = 0 must be greater than 0 and at most 1";
        QTest::newRow("unknown ponder halt rule")
            << R"({"model":{"experts":[{"ponder_halt":"threshold"}]}})"
            << "model.experts[0].ponder_halt = \"threshold\" must be one of median, sample";
        QTest::newRow("unknown conflict score")
            << R"({"model":{"integration":{"conflict_score":"max"}}})"
            << "model.integration.conflict_score = \"max\" must be one of unweighted, weighted";
        QTest::newRow("unknown calibration")
            << R"({"model":{"calibration":"platt"}})"
            << "model.calibration = \"platt\" must be one of temperature, temperature+threshold, answer-temperature, none";
        QTest::newRow("unknown optimizer")
            << R"({"train":{"optimizer":"lion"}})"
            << R"(train.optimizer = "lion" must be one of adamw, adam, sgd)";
        QTest::newRow("unknown device") << R"({"train":{"device":"tpu"}})"
                                        << R"(train.device = "tpu" must be one of cpu, cuda, auto)";
        QTest::newRow("unknown precision")
            << R"({"train":{"precision":"fp16"}})"
            << R"(train.precision = "fp16" must be one of fp32, bf16)";
        QTest::newRow("precision of the wrong type")
            << R"({"train":{"precision":16}})"
            << "train.precision must be a string (got number 16)";
        QTest::newRow("unknown task loss")
            << R"({"model":{"task_loss":"mean"}})"
            << R"(model.task_loss = "mean" must be one of expected, deep_supervision, final)";
        QTest::newRow("learning rate zero")
            << R"({"train":{"learning_rate":0}})"
            << "train.learning_rate = 0 must be greater than 0 and at most 10";
        QTest::newRow("negative limit") << R"({"data":{"limit":-5}})"
                                        << "data.limit = -5 must be at least 0";
        QTest::newRow("syntax error position")
            << "{\n  \"name\": \"x\",\n  \"data\": {\"kind\": }\n}"
            << "JSON syntax error at line 3, column 20";
        QTest::newRow("truncated document") << "{\"name\": \"x\""
                                            << "JSON syntax error at line 1, column 13";
    }

    void badConfigGivesMessage() {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        const auto result = mor::parseConfig(json.toStdString());
        QVERIFY(!result.ok());
        QVERIFY2(qs(result.message()).contains(expected),
                 qPrintable("message was: " + qs(result.message())));
    }

    void errorNamesTheField() {
        const auto result = mor::parseConfig(R"({"model":{"router":{"top_k":9}}})");
        QCOMPARE(result.errors.size(), size_t(1));
        QCOMPARE(result.errors[0].field, std::string("model.router.top_k"));
    }

    void reportsAllErrorsOnePerLine() {
        const auto result =
            mor::parseConfig(R"({"train":{"batch_size":0,"epochs":0},"data":{"kind":"foo"}})");
        QCOMPARE(result.errors.size(), size_t(3));
        QCOMPARE(qs(result.message()).split('\n').size(), 3);
    }

    void typeErrorIsNotAlsoARangeError() {
        // the bad value keeps its (valid) default, so only the type error is reported
        const auto result = mor::parseConfig(R"({"model":{"router":{"top_k":"nine"}}})");
        QCOMPARE(result.errors.size(), size_t(1));
    }

    void acceptsIntegralFloatForInteger() {
        const auto result = mor::parseConfig(R"({"train":{"batch_size":32.0}})");
        QVERIFY2(result.ok(), result.message().c_str());
        QCOMPARE(result.config.train.batchSize, int64_t(32));
    }

    void roundTripKeepsEveryField() {
        mor::ExperimentConfig c;
        c.name = "round \"trip\"";
        c.description = "line1\nline2 ü";
        c.data.kind = mor::DataKind::Mixed;
        c.data.domains = {"majority", "modular"};
        c.data.labelNoise = 0.05;
        c.data.labelColumn = "species";
        c.data.validationFraction = 0.1234567890123;
        c.data.limit = 500;
        c.model.encoder.dropout = 0.1;
        c.model.router.strategy = mor::RoutingStrategy::Threshold;
        c.model.router.threshold = 1.0 / 3.0;
        c.model.router.renormalize = false;
        c.model.router.selectorWeight = 0.3;
        c.model.experts.resize(3);
        c.model.experts[2].cell = mor::ExpertCell::Transformer;
        c.model.experts[2].maxDepth = 7;
        c.model.experts[1].haltThreshold = 0.95;
        c.model.integration.resolution = mor::ConflictResolution::ReReflect;
        c.model.improvementWeight = 1e-7;
        c.train.learningRate = 3.3e-4;
        c.train.seed = 123456789012345;
        c.train.logTraces = false;

        const std::string text = mor::toJson(c);
        const auto parsed = mor::parseConfig(text);
        QVERIFY2(parsed.ok(), parsed.message().c_str());
        QCOMPARE(mor::toJson(parsed.config), text);
        QCOMPARE(parsed.config.model.router.threshold, 1.0 / 3.0);
        QCOMPARE(parsed.config.data.validationFraction, 0.1234567890123);
        QCOMPARE(parsed.config.model.experts.size(), size_t(3));
        QCOMPARE(parsed.config.model.experts[2].maxDepth, int64_t(7));
        QCOMPARE(parsed.config.train.seed, int64_t(123456789012345));
        QCOMPARE(parsed.config.description, c.description);
    }

    void lastStringChoicesKeepTheirJsonNames() {
        // data.kind, model.calibration and train.device are enums parsed once; stored configs
        // name them as before, so old runs read the same. (Other errors, e.g. csv without a
        // path, may come; none is a refused name.)
        auto nameRefused = [](const mor::ConfigParseResult& parsed) {
            return parsed.message().find("must be one of") != std::string::npos;
        };
        auto writes = [](const mor::ExperimentConfig& c, const std::string& key,
                         const std::string& name) {
            return mor::toJson(c).find("\"" + key + "\": \"" + name + "\"") != std::string::npos;
        };
        QCOMPARE(mor::dataKindNames().size(), size_t(16));
        for (const auto& [kind, name] : mor::dataKindNames()) {
            const auto parsed = mor::parseConfig(R"({"data":{"kind":")" + name + R"("}})");
            QVERIFY2(!nameRefused(parsed), parsed.message().c_str());
            QCOMPARE(parsed.config.data.kind, kind);
            QVERIFY(writes(parsed.config, "kind", name));
            QCOMPARE(mor::dataKindName(kind), name);
        }
        QCOMPARE(mor::calibrationNames().size(), size_t(4));
        for (const auto& [calibration, name] : mor::calibrationNames()) {
            const auto parsed = mor::parseConfig(R"({"model":{"calibration":")" + name + R"("}})");
            QVERIFY2(!nameRefused(parsed), parsed.message().c_str());
            QCOMPARE(parsed.config.model.calibration, calibration);
            QVERIFY(writes(parsed.config, "calibration", name));
        }
        QCOMPARE(mor::deviceChoiceNames().size(), size_t(3));
        for (const auto& [device, name] : mor::deviceChoiceNames()) {
            const auto parsed = mor::parseConfig(R"({"train":{"device":")" + name + R"("}})");
            QVERIFY2(!nameRefused(parsed), parsed.message().c_str());
            QCOMPARE(parsed.config.train.device, device);
            QVERIFY(writes(parsed.config, "device", name));
            QCOMPARE(mor::deviceChoiceName(device), name);
        }
        QCOMPARE(mor::dataKindName(mor::DataKind::RunningParity), std::string("running_parity"));
        QVERIFY(mor::isSequenceDataKind(mor::DataKind::Addition));
        QVERIFY(!mor::isSequenceDataKind(mor::DataKind::Parity));
    }

    void toJsonSurvivesInvalidUtf8() {
        mor::ExperimentConfig c;
        c.data.path = "data\xff.csv";
        const std::string text = mor::toJson(c);
        const auto parsed = mor::parseConfig(text);
        QVERIFY2(parsed.ok(), parsed.message().c_str());
        QVERIFY(parsed.config.data.path != c.data.path); // replaced by U+FFFD, not thrown
    }

    void toJsonWritesEveryField() {
        const auto leaves = mor::flattenConfigJson(mor::toJson(mor::ExperimentConfig{}));
        // 2 + data 27 (domains has 3 entries -> 29) + encoder 5 + router 29 (groups: one empty
        // list) + 4 experts x 17 + integration 11 + 5 model scalars + model.family + train 18;
        // no recursion section (a reflection config)
        QCOMPARE(leaves.size(), size_t(2 + 29 + 5 + 29 + 68 + 11 + 5 + 1 + 18));
        QCOMPARE(field(leaves, "model.experts[0].kind"), std::string("reflection"));
        QCOMPARE(field(leaves, "model.recursion.depth_every"), std::string("<missing>"));
        QCOMPARE(field(leaves, "data.missing"), std::string("refuse"));
        QCOMPARE(field(leaves, "data.delimiter"), std::string("auto"));
        QCOMPARE(field(leaves, "model.router.top_k"), std::string("2"));
        QCOMPARE(field(leaves, "model.task_loss"), std::string("expected"));
        QCOMPARE(field(leaves, "model.router.probe_score"), std::string("information"));
        QCOMPARE(field(leaves, "model.experts[3].ponder_halt"), std::string("median"));
        QCOMPARE(field(leaves, "data.label_column"), std::string("last"));
        QCOMPARE(field(leaves, "train.log_traces"), std::string("true"));
        QCOMPARE(field(leaves, "train.precision"), std::string("fp32"));
    }

    // A stored config carries only its own family's section (issue 16).
    void storedConfigCarriesOnlyItsFamilySection() {
        mor::ExperimentConfig reflection;
        reflection.model.recursion.recursions = 5; // not the reflection family's: not written
        QCOMPARE(modelKeys(mor::toJson(reflection)),
                 QStringList({"calibration", "critique_weight", "encoder", "expert_weight",
                              "experts", "family", "improvement_weight", "integration", "router",
                              "task_loss"}));

        mor::ExperimentConfig recursion;
        recursion.data.kind = mor::DataKind::Addition;
        recursion.model.family = mor::Family::Recursion;
        recursion.model.recursion.recursions = 2;
        recursion.model.router.topK = 3; // the reflection family's: not written
        const std::string text = mor::toJson(recursion);
        QCOMPARE(modelKeys(text), QStringList({"family", "recursion"}));
        // 2 + data 29 + model.family + recursion 22 + train 18
        QCOMPARE(mor::flattenConfigJson(text).size(), size_t(2 + 29 + 1 + 22 + 18));
        const auto back = mor::parseConfig(text);
        QVERIFY2(back.ok(), back.message().c_str());
        QVERIFY(back.config.model.family == mor::Family::Recursion);
        QCOMPARE(back.config.model.recursion.recursions, int64_t(2));
        QCOMPARE(back.config.model.router.topK, int64_t(2)); // the default again
        QCOMPARE(mor::toJson(back.config), text);
    }

    // Configs stored before (with every family's section) still parse, and flatten like the
    // same config stored now, so a config diff or a seed group does not split old from new.
    void oldStoredConfigWithBothSectionsStillOpens() {
        mor::ExperimentConfig recursion;
        recursion.data.kind = mor::DataKind::Text;
        recursion.model.family = mor::Family::Recursion;
        recursion.model.recursion.dModel = 32;
        const std::string now = mor::toJson(recursion);
        // The old writer's output: every section, the other family's at its defaults.
        const std::string old = R"({"name":"","description":"","data":{"kind":"text"},
            "model":{"family":"recursion","recursion":{"d_model":32},
                     "encoder":{"hidden":64},"router":{"strategy":"top_k","top_k":2},
                     "experts":[{"cell":"gru"},{"cell":"gru"}],"integration":{"fusion":"confidence"},
                     "task_loss":"expected","expert_weight":0.5,"critique_weight":0.1,
                     "improvement_weight":0.0,"calibration":"temperature"},
            "train":{}})";
        const auto parsed = mor::parseConfig(old);
        QVERIFY2(parsed.ok(), parsed.message().c_str());
        QCOMPARE(parsed.config.model.recursion.dModel, int64_t(32));
        QCOMPARE(parsed.config.model.experts.size(), size_t(2)); // read, though not written
        QCOMPARE(mor::toJson(parsed.config), now);
        // Flattened, the old text has no reflection leaves left; an old reflection config
        // keeps its own sections and loses the recursion one.
        for (const auto& [key, value] : mor::flattenConfigJson(old)) {
            QVERIFY2(key.rfind("model.", 0) != 0 || key == "model.family" ||
                         key.rfind("model.recursion.", 0) == 0,
                     key.c_str());
        }
        const auto oldReflection = mor::flattenConfigJson(
            R"({"model":{"recursion":{"d_model":32},"router":{"top_k":1},"zzz":1}})");
        QCOMPARE(field(oldReflection, "model.router.top_k"), std::string("1"));
        QCOMPARE(field(oldReflection, "model.recursion.d_model"), std::string("<missing>"));
        QCOMPARE(field(oldReflection, "model.zzz"), std::string("1")); // unknown keys stay
    }

    // A config stored before a default changed keeps the default it was trained with: a run's
    // config or a sweep's base that leaves model.recursion.embedding_std out and was stored
    // before 2026-12-03 23:04:14 UTC drew its embeddings from N(0, 1) (0), not N(0, 0.02).
    void storedConfigKeepsTheDefaultItWasTrainedWith() {
        const int64_t changed = 1796339054000; // date -u -d "2026-12-03 23:04:14" +%s, in ms
        const std::string old =
            R"({"data":{"kind":"text"},"model":{"family":"recursion","recursion":{"d_model":32}}})";
        const auto initStd = [](const std::string& text) {
            const auto parsed = mor::parseConfig(text);
            return parsed.ok() ? parsed.config.model.recursion.embeddingStd : -1.0;
        };
        QCOMPARE(initStd(old), 0.02); // today's default
        QCOMPARE(initStd(mor::withStoredDefaults(old, changed - 1)), 0.0);
        QCOMPARE(initStd(mor::withStoredDefaults(old, changed)), 0.02); // stored after: as written
        QCOMPARE(mor::withStoredDefaults(old, changed), old);       // text untouched
        // Named in the text: kept, whenever stored.
        const std::string named = R"({"data":{"kind":"text"},"model":{"family":"recursion",
            "recursion":{"embedding_std":0.5}}})";
        QCOMPARE(mor::withStoredDefaults(named, 0), named);
        // A recursion config with no recursion section at all gets one.
        const std::string bare = R"({"data":{"kind":"text"},"model":{"family":"recursion"}})";
        QCOMPARE(initStd(mor::withStoredDefaults(bare, 0)), 0.0);
        // Another family, no model, not JSON, a section of the wrong type: unchanged.
        for (const std::string& text :
             {std::string(R"({"model":{"recursion":{"d_model":32}}})"), std::string("{}"),
              std::string("not json"),
              std::string(R"({"model":{"family":"recursion","recursion":7}})")}) {
            QCOMPARE(mor::withStoredDefaults(text, 0), text);
        }
    }

    void precisionRoundTrips() {
        const auto result = mor::parseConfig(R"({"train":{"precision":"bf16"}})");
        QVERIFY2(result.ok(), result.message().c_str());
        QVERIFY(result.config.train.precision == mor::Precision::Bf16);
        QVERIFY(mor::parseConfig("{}").config.train.precision == mor::Precision::Fp32);
        const auto leaves = mor::flattenConfigJson(mor::toJson(result.config));
        QCOMPARE(field(leaves, "train.precision"), std::string("bf16"));
        QCOMPARE(mor::choiceName(mor::Precision::Bf16, mor::precisionNames()), std::string("bf16"));
    }

    void flattenListsLeavesInDocumentOrder() {
        const auto leaves = mor::flattenConfigJson(
            R"({"b":1,"a":{"x":"s","l":[{"w":64},{"w":32}],"e":[]},"n":null})");
        const std::vector<std::pair<std::string, std::string>> expected{
            {"b", "1"},         {"a.x", "s"},  {"a.l[0].w", "64"},
            {"a.l[1].w", "32"}, {"a.e", "[]"}, {"n", "null"}};
        QCOMPARE(leaves, expected);
    }

    void flattenOfInvalidJsonIsEmpty() { QVERIFY(mor::flattenConfigJson("{").empty()); }

    void loadsConfigFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("c.json").toStdString();
        std::ofstream(path) << R"({"train":{"epochs":3}})";
        const auto result = mor::loadConfigFile(path);
        QVERIFY2(result.ok(), result.message().c_str());
        QCOMPARE(result.config.train.epochs, int64_t(3));
    }

    void unreadableFileNamesThePath() {
        const auto result = mor::loadConfigFile("/nonexistent/dir/config.json");
        QVERIFY(!result.ok());
        QVERIFY2(qs(result.message()).contains("/nonexistent/dir/config.json"),
                 result.message().c_str());
    }

    void syntaxErrorInFileNamesPathAndLine() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("bad.json").toStdString();
        std::ofstream(path) << "{\n\"train\": {\n\"epochs\": 3,\n}\n}";
        const auto result = mor::loadConfigFile(path);
        QVERIFY(!result.ok());
        QVERIFY2(qs(result.message()).startsWith(qs(path) + ": JSON syntax error at line 4"),
                 result.message().c_str());
    }
};

QTEST_GUILESS_MAIN(TstConfig)
#include "tst_config.moc"
