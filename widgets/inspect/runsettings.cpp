#include "inspect/runsettings.h"

#include <mor/config.h>
#include <mor/log_reader.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace inspect {

double RunSettings::haltThreshold(int expert) const {
    if (expert >= 0 && expert < int(haltThresholds.size())) {
        return haltThresholds[size_t(expert)];
    }
    return 0.9;
}

std::vector<int> RunSettings::featuresRead(int expert, int iteration, int features) const {
    if (expert < 0 || expert >= int(readFeatures.size()) || iteration < 1) {
        return {};
    }
    const auto read = mor::featuresReadAt(readFeatures[size_t(expert)], iteration, features);
    return std::vector<int>(read.begin(), read.end());
}

RunSettings parseRunSettings(const QByteArray& configJson) {
    RunSettings settings;
    const QJsonObject model =
        QJsonDocument::fromJson(configJson).object().value("model").toObject();
    const QJsonObject integration = model.value("integration").toObject();
    settings.conflictThreshold = integration.value("conflict_threshold").toDouble(0.3);
    const QJsonObject router = model.value("router").toObject();
    settings.strategy = router.value("strategy").toString();
    const QJsonArray experts = model.value("experts").toArray();
    settings.experts = experts.size();
    for (const QJsonValue& e : experts) {
        settings.haltThresholds.push_back(e.toObject().value("halt_threshold").toDouble(0.9));
        settings.readFeatures.push_back(std::max(0, e.toObject().value("read_features").toInt(0)));
    }
    if (settings.strategy == "top_k" || settings.strategy == "random" ||
        settings.strategy.isEmpty()) {
        settings.topK = router.value("top_k").toInt(0);
    } else if (settings.strategy == "shared_routed") {
        settings.topK = router.value("top_k").toInt(0) + router.value("shared_experts").toInt(0);
    }
    return settings;
}

RunSettings readRunSettings(const mor::LogReader* reader, int64_t runId) {
    if (!reader) {
        return {};
    }
    const auto run = reader->run(runId);
    return run ? parseRunSettings(QByteArray::fromStdString(run->configJson)) : RunSettings{};
}

} // namespace inspect
