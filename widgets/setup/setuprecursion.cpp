#include "setup/setuprecursion.h"

#include "setup/configbinding.h"
#include "setup/setupsections.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLineEdit>
#include <QSpinBox>

#include <algorithm>
#include <string>
#include <vector>

namespace setup {

namespace SetupRecursion {

namespace {

const QString kRecursionPrefix = QStringLiteral("model.recursion.");

/// Which routings use a row (the fields every routing uses are not listed).
struct RecursionRowUse {
    const char* key;
    std::vector<mor::RecursionRouting> routings;
};

using RecursionRowRouting = mor::RecursionRouting;
const RecursionRowUse kRecursionRowUses[] = {
    {"capacity", {RecursionRowRouting::ExpertChoice}},
    {"capacity_warmup_steps", {RecursionRowRouting::ExpertChoice}},
    {"capacity_hold_steps", {RecursionRowRouting::ExpertChoice}},
    {"router_per_step", {RecursionRowRouting::ExpertChoice}},
    {"threshold", {RecursionRowRouting::ExpertChoice, RecursionRowRouting::MixtureOfDepths}},
    {"router_weight", {RecursionRowRouting::ExpertChoice, RecursionRowRouting::MixtureOfDepths}},
    {"balance_weight", {RecursionRowRouting::TokenChoice}},
    {"gate", {RecursionRowRouting::TokenChoice}},
    {"z_loss_weight",
     {RecursionRowRouting::ExpertChoice, RecursionRowRouting::TokenChoice,
      RecursionRowRouting::MixtureOfDepths}},
    {"gate_alpha",
     {RecursionRowRouting::ExpertChoice, RecursionRowRouting::TokenChoice,
      RecursionRowRouting::MixtureOfDepths}},
    // The validator refuses kv_sharing for the routings with distinct blocks.
    {"kv_sharing",
     {RecursionRowRouting::ExpertChoice, RecursionRowRouting::TokenChoice,
      RecursionRowRouting::Fixed}},
    {"depth_capacity", {RecursionRowRouting::MixtureOfDepths}},
    {"depth_every", {RecursionRowRouting::MixtureOfDepths}},
};

/// The smallest value a spin box with `decimals` offers above an open lower bound `lo`
/// (the validator's "(lo, hi]").
double recursionOpenMinimum(double lo, int decimals) {
    double step = 1.0;
    for (int i = 0; i < decimals; ++i) {
        step /= 10.0;
    }
    return lo + step;
}

} // namespace

QComboBox* familyChoice(ConfigBinding& b, QWidget* parent) {
    auto* family = new QComboBox(parent);
    b.setToolTip(family, QT_TRANSLATE_NOOP(
                             "setup::SetupView",
                             "Which model to train: reflection (a router sends each input to "
                             "reflecting experts, whose answers are integrated) or recursion "
                             "(a Mixture-of-Recursions transformer on token sequences: a router "
                             "gives each token its own number of passes through a shared block)"));
    b.bindChoice<mor::Family>(
        family, QStringLiteral("model.family"),
        [](mor::ExperimentConfig& c) -> mor::Family& { return c.model.family; },
        mor::familyNames());
    return family;
}

QGroupBox* section(ConfigBinding& b, QWidget* parent) {
    using SetupSections::choice;
    using SetupSections::intSpin;
    using SetupSections::realSpin;
    auto* box = new QGroupBox(parent);
    box->setObjectName(QStringLiteral("recursionSection"));
    auto* form = new QFormLayout(box);
    const auto path = [](const char* key) { return kRecursionPrefix + QLatin1String(key); };

    auto* routing = choice(box, {QStringLiteral("expert_choice"), QStringLiteral("token_choice"),
                                 QStringLiteral("fixed"), QStringLiteral("vanilla"),
                                 QStringLiteral("mixture_of_depths")});
    b.setToolTip(routing, QT_TRANSLATE_NOOP(
                              "setup::SetupView",
                              "How tokens get their depth. expert_choice: every recursion keeps "
                              "its top tokens (fewer at each step); token_choice: one router "
                              "picks each token's depth at once; fixed: every token takes every "
                              "recursion; vanilla: distinct blocks, no sharing (baseline); "
                              "mixture_of_depths: distinct blocks, a router lets some tokens "
                              "skip a block"));
    b.bindChoice<mor::RecursionRouting>(routing, path("routing"),
                                        MOR_FIELD(model.recursion.routing),
                                        mor::recursionRoutingNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Routing"), routing);

    auto* recursions = intSpin(box, 1, 16);
    b.setToolTip(recursions, QT_TRANSLATE_NOOP(
                                 "setup::SetupView",
                                 "N_r: how often the shared block is applied (the deepest a "
                                 "token can go); vanilla and mixture_of_depths: the number of "
                                 "distinct blocks"));
    b.bind(recursions, path("recursions"), MOR_FIELD(model.recursion.recursions));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Recursions"), recursions);

    auto* layers = intSpin(box, 1, 16);
    b.setToolTip(layers, QT_TRANSLATE_NOOP("setup::SetupView",
                                           "Transformer layers inside the shared block"));
    b.bind(layers, path("layers_per_block"), MOR_FIELD(model.recursion.layersPerBlock));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Layers per block"), layers, true);

    auto* dModel = intSpin(box, 4, 4096);
    dModel->setSingleStep(8);
    b.setToolTip(dModel, QT_TRANSLATE_NOOP("setup::SetupView",
                                           "Width of the token states (d_model); the number "
                                           "of heads must divide it"));
    b.bind(dModel, path("d_model"), MOR_FIELD(model.recursion.dModel));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Model width"), dModel);

    auto* heads = intSpin(box, 1, 64);
    b.setToolTip(heads, QT_TRANSLATE_NOOP("setup::SetupView",
                                          "Attention heads of each layer; must divide the "
                                          "model width"));
    b.bind(heads, path("heads"), MOR_FIELD(model.recursion.heads));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Attention heads"), heads);

    auto* ffn = intSpin(box, 1, 65536);
    ffn->setSingleStep(32);
    b.setToolTip(ffn, QT_TRANSLATE_NOOP("setup::SetupView",
                                        "Hidden width of each layer's feed-forward part"));
    b.bind(ffn, path("ffn"), MOR_FIELD(model.recursion.ffn));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Feed-forward width"), ffn);

    auto* sharing = choice(box, {QStringLiteral("cycle"), QStringLiteral("middle_cycle")});
    b.setToolTip(sharing, QT_TRANSLATE_NOOP(
                              "setup::SetupView",
                              "Parameter sharing: cycle repeats the whole block; middle_cycle "
                              "gives the first and the last layer their own weights and shares "
                              "only the layers between them"));
    b.bindChoice<mor::RecursionSharing>(sharing, path("sharing"),
                                        MOR_FIELD(model.recursion.sharing),
                                        mor::recursionSharingNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Sharing"), sharing, true);

    auto* capacity = new QLineEdit(box);
    capacity->setPlaceholderText(QStringLiteral("linear | 1,0.5,0.25"));
    b.setToolTip(capacity, QT_TRANSLATE_NOOP(
                               "setup::SetupView",
                               "Fraction of the tokens each recursion keeps: linear keeps "
                               "(N_r - r + 1) / N_r at recursion r, or a comma list of one "
                               "fraction per recursion in (0, 1] that does not increase, "
                               "e.g. 1,0.5,0.25"));
    b.bind(capacity, path("capacity"), MOR_FIELD(model.recursion.capacity));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Capacity"), capacity);

    auto* warmup = SetupSections::intSpin(box, 0, 1000000000);
    warmup->setSingleStep(100);
    b.setToolTip(warmup, QT_TRANSLATE_NOOP("setup::SetupView",
                                           "Training steps over which every recursion's "
                                           "capacity falls from 1 to its value along a half "
                                           "cosine (0: none)"));
    b.bind(warmup, path("capacity_warmup_steps"),
           MOR_FIELD(model.recursion.capacityWarmupSteps));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Capacity warm-up (steps)"), warmup,
             true);

    auto* hold = SetupSections::intSpin(box, 0, 1000000000);
    hold->setSingleStep(100);
    b.setToolTip(hold, QT_TRANSLATE_NOOP("setup::SetupView",
                                         "Training steps at capacity 1, every token running "
                                         "every recursion, before the warm-up starts (0: none)"));
    b.bind(hold, path("capacity_hold_steps"), MOR_FIELD(model.recursion.capacityHoldSteps));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Capacity hold (steps)"), hold, true);

    auto* perStep = new QCheckBox(box);
    b.setToolTip(perStep, QT_TRANSLATE_NOOP("setup::SetupView",
                                            "One router per recursion step (as in the paper) "
                                            "instead of one router shared by every step"));
    b.bind(perStep, path("router_per_step"), MOR_FIELD(model.recursion.routerPerStep));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Router per step"), perStep, true);

    auto* threshold = realSpin(box, recursionOpenMinimum(0.0, 3), 1.0, 3, 0.05);
    b.setToolTip(threshold, QT_TRANSLATE_NOOP(
                                "setup::SetupView",
                                "Inference: a token goes on (or through a routed block) when "
                                "its router's sigmoid score is above this; training takes the "
                                "top tokens by capacity instead"));
    b.bind(threshold, path("threshold"), MOR_FIELD(model.recursion.threshold));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Inference threshold"), threshold, true);

    auto* depthCapacity = realSpin(box, recursionOpenMinimum(0.0, 2), 1.0, 2, 0.05);
    b.setToolTip(depthCapacity, QT_TRANSLATE_NOOP(
                                    "setup::SetupView",
                                    "Fraction of each sequence's tokens a routed block "
                                    "processes; the others skip it on the residual path"));
    b.bind(depthCapacity, path("depth_capacity"), MOR_FIELD(model.recursion.depthCapacity));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Block capacity"), depthCapacity);

    auto* depthEvery = intSpin(box, 1, 16);
    b.setToolTip(depthEvery, QT_TRANSLATE_NOOP(
                                 "setup::SetupView",
                                 "Every n-th block is routed, the others process every token "
                                 "(1: every block; 2: interleaved, as in the paper)"));
    b.bind(depthEvery, path("depth_every"), MOR_FIELD(model.recursion.depthEvery));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Routed block every"), depthEvery);

    auto* gate = choice(box, {QStringLiteral("sigmoid"), QStringLiteral("softmax")});
    b.setToolTip(gate, QT_TRANSLATE_NOOP("setup::SetupView",
                                         "How the token-choice router's scores become the "
                                         "gate that scales the output of the chosen depth"));
    b.bindChoice<mor::RecursionGate>(gate, path("gate"), MOR_FIELD(model.recursion.gate),
                                     mor::recursionGateNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Gate"), gate, true);

    auto* alpha = realSpin(box, recursionOpenMinimum(0.0, 2), 100.0, 2, 0.1);
    b.setToolTip(alpha, QT_TRANSLATE_NOOP("setup::SetupView",
                                          "Scale alpha of the router gate (alpha times the "
                                          "sigmoid or softmax score)"));
    b.bind(alpha, path("gate_alpha"), MOR_FIELD(model.recursion.gateAlpha));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Gate scale"), alpha, true);

    auto* embeddingStd = realSpin(box, 0.0, 10.0, 3, 0.01);
    b.setToolTip(embeddingStd,
                 QT_TRANSLATE_NOOP("setup::SetupView",
                                   "Standard deviation of the normal draw of the token and "
                                   "position embeddings (0.02 as in the official "
                                   "Mixture-of-Recursions code); 0 keeps LibTorch's N(0, 1)"));
    b.bind(embeddingStd, path("embedding_std"), MOR_FIELD(model.recursion.embeddingStd));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Embedding init std"), embeddingStd,
             true);

    auto* kvSharing = new QCheckBox(box);
    b.setToolTip(kvSharing, QT_TRANSLATE_NOOP("setup::SetupView",
                                              "Recursions after the first reuse the keys and "
                                              "values of the first one (saves memory)"));
    b.bind(kvSharing, path("kv_sharing"), MOR_FIELD(model.recursion.kvSharing));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Share keys/values"), kvSharing, true);

    auto* routerWeight = realSpin(box, 0.0, 100.0, 4, 0.01);
    b.setToolTip(routerWeight, QT_TRANSLATE_NOOP(
                                   "setup::SetupView",
                                   "Weight of the router's auxiliary loss (binary cross-entropy "
                                   "of its score against the training-time selection), which "
                                   "teaches the inference threshold"));
    b.bind(routerWeight, path("router_weight"), MOR_FIELD(model.recursion.routerWeight));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Router loss weight"), routerWeight, true);

    auto* balance = realSpin(box, 0.0, 100.0, 4, 0.01);
    b.setToolTip(balance, QT_TRANSLATE_NOOP("setup::SetupView",
                                            "Weight of the token-choice load-balancing loss "
                                            "(spreads the tokens over the depths)"));
    b.bind(balance, path("balance_weight"), MOR_FIELD(model.recursion.balanceWeight));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Balance loss weight"), balance, true);

    auto* zLoss = realSpin(box, 0.0, 100.0, 4, 0.001);
    b.setToolTip(zLoss, QT_TRANSLATE_NOOP("setup::SetupView",
                                          "Weight of the router z-loss (keeps the router's "
                                          "logits small)"));
    b.bind(zLoss, path("z_loss_weight"), MOR_FIELD(model.recursion.zLossWeight));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Z-loss weight"), zLoss, true);

    auto* dropout = realSpin(box, 0.0, 0.9, 2, 0.05);
    b.setToolTip(dropout, QT_TRANSLATE_NOOP("setup::SetupView",
                                            "Dropout inside the attention layers while "
                                            "training"));
    b.bind(dropout, path("dropout"), MOR_FIELD(model.recursion.dropout));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Dropout"), dropout, true);
    return box;
}

void showRowsFor(ConfigBinding& b, mor::RecursionRouting routing) {
    for (const RecursionRowUse& use : kRecursionRowUses) {
        bool used = false;
        for (const mor::RecursionRouting r : use.routings) {
            used = used || routing == r;
        }
        b.setRowVisible(kRecursionPrefix + QLatin1String(use.key), used);
    }
}

bool fitDataToFamily(mor::ExperimentConfig& config) {
    const bool recursion = config.model.family == mor::Family::Recursion;
    if (recursion == mor::isSequenceDataKind(config.data.kind)) {
        return false;
    }
    config.data.kind = recursion ? mor::DataKind::Addition : mor::DataKind::Parity;
    // Label noise is for the generated classification sets only; the validator refuses it
    // for the sequence tasks.
    if (recursion) {
        config.data.labelNoise = 0.0;
    }
    return true;
}

int columnsFor(const QGridLayout& grid, const FormSections& sections, int width) {
    const auto minWidth = [](const QWidget* w) {
        return std::max(w->minimumSizeHint().width(), w->minimumWidth());
    };
    const int data = minWidth(sections.data), recursion = minWidth(sections.recursion),
              training = minWidth(sections.training);
    const int spacing = std::max(0, grid.horizontalSpacing());
    const QMargins margins = grid.contentsMargins();
    const int frame = margins.left() + margins.right();
    const int three = frame + data + recursion + training + 2 * spacing;
    const int two = frame + std::max(data, training) + spacing + recursion;
    return width >= three ? 3 : width >= two ? 2 : 1;
}

void placeSections(QGridLayout& grid, const FormSections& sections, int columns) {
    for (int c = 0; c < 3; ++c) {
        grid.setColumnStretch(c, c < columns ? 1 : 0);
    }
    for (int r = 0; r < 6; ++r) {
        grid.setRowStretch(r, 0);
    }
    grid.addWidget(sections.data, 0, 0);
    if (columns == 3) {
        grid.addWidget(sections.recursion, 0, 1);
        grid.addWidget(sections.training, 0, 2);
        grid.setRowStretch(1, 1);
    } else if (columns == 2) {
        grid.addWidget(sections.recursion, 0, 1, 2, 1);
        grid.addWidget(sections.training, 1, 0);
        grid.setRowStretch(2, 1);
    } else {
        grid.addWidget(sections.recursion, 1, 0);
        grid.addWidget(sections.training, 2, 0);
        grid.setRowStretch(3, 1);
    }
}

} // namespace SetupRecursion

} // namespace setup
