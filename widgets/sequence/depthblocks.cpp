#include "sequence/depthblocks.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

#include <algorithm>

namespace sequence {

bool isMixtureOfDepths(const mor::TokenTrace& trace) {
    return trace.routing == "mixture_of_depths";
}

bool skippedBlocksRecorded(const mor::TokenTrace& trace, const mor::TokenStep& token) {
    return !token.skippedBlocks.empty() || token.depth >= trace.maxRecursions;
}

int blocksUsed(const mor::TokenTrace& trace, const mor::TokenStep& token) {
    if (!token.skippedBlocks.empty()) {
        return std::max(0, trace.maxRecursions - int(token.skippedBlocks.size()));
    }
    return token.depth;
}

std::vector<bool> blockMask(const mor::TokenTrace& trace, const mor::TokenStep& token) {
    if (!skippedBlocksRecorded(trace, token) || trace.maxRecursions <= 0) {
        return {};
    }
    std::vector<bool> used(size_t(trace.maxRecursions), true);
    for (int b : token.skippedBlocks) {
        if (b >= 0 && b < trace.maxRecursions) {
            used[size_t(b)] = false;
        }
    }
    return used;
}

int depthEveryOf(const QByteArray& configJson) {
    const QJsonObject model =
        QJsonDocument::fromJson(configJson).object().value("model").toObject();
    return std::max(1, model.value("recursion").toObject().value("depth_every").toInt(1));
}

QString DepthBlocks::skippedText(const mor::TokenTrace& trace, const mor::TokenStep& token) {
    if (!skippedBlocksRecorded(trace, token)) {
        return tr("not recorded");
    }
    if (token.skippedBlocks.empty()) {
        return tr("none");
    }
    QStringList blocks;
    for (int b : token.skippedBlocks) {
        blocks << QString::number(b + 1);
    }
    return blocks.join(QStringLiteral(", "));
}

} // namespace sequence
