#include "setup/setupsections.h"

#include "setup/configbinding.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QSpinBox>

namespace setup {

namespace SetupSections {

QSpinBox* intSpin(QWidget* parent, int min, int max) {
    auto* spin = new QSpinBox(parent);
    spin->setRange(min, max);
    spin->setKeyboardTracking(false);
    spin->setAccelerated(true);
    return spin;
}

QDoubleSpinBox* realSpin(QWidget* parent, double min, double max, int decimals, double step) {
    auto* spin = new QDoubleSpinBox(parent);
    spin->setRange(min, max);
    spin->setDecimals(decimals);
    spin->setSingleStep(step);
    spin->setKeyboardTracking(false);
    return spin;
}

QComboBox* choice(QWidget* parent, const QStringList& values) {
    auto* combo = new QComboBox(parent);
    for (const QString& v : values) {
        combo->addItem(v, v);
    }
    return combo;
}

QGroupBox* router(ConfigBinding& b, QWidget* parent) {
    auto* box = new QGroupBox(parent);
    auto* form = new QFormLayout(box);
    auto* strategy = choice(box, {QStringLiteral("top_k"), QStringLiteral("threshold"),
                                  QStringLiteral("top_p"), QStringLiteral("expert_choice"),
                                  QStringLiteral("shared_routed"), QStringLiteral("random")});
    strategy->setToolTip(QCoreApplication::translate(
        "setup::SetupView",
        "How the router turns its probabilities into the set of experts that run"));
    b.bindChoice<mor::RoutingStrategy>(strategy, QStringLiteral("model.router.strategy"),
                                       MOR_FIELD(model.router.strategy),
                                       mor::routingStrategyNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Strategy"), strategy);

    auto* topK = intSpin(box, 0, 64);
    b.bind(topK, QStringLiteral("model.router.top_k"), MOR_FIELD(model.router.topK));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Top k"), topK);
    auto* threshold = realSpin(box, -1.0, 2.0, 3, 0.05);
    b.bind(threshold, QStringLiteral("model.router.threshold"), MOR_FIELD(model.router.threshold));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Threshold"), threshold);
    auto* topP = realSpin(box, -1.0, 2.0, 3, 0.05);
    b.bind(topP, QStringLiteral("model.router.top_p"), MOR_FIELD(model.router.topP));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Top p"), topP);
    auto* capacity = realSpin(box, 0.0, 16.0, 2, 0.25);
    b.bind(capacity, QStringLiteral("model.router.capacity_factor"),
           MOR_FIELD(model.router.capacityFactor));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Capacity factor"), capacity);
    auto* shared = intSpin(box, 0, 64);
    b.bind(shared, QStringLiteral("model.router.shared_experts"),
           MOR_FIELD(model.router.sharedExperts));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Shared experts"), shared);
    auto* temperature = realSpin(box, 0.0, 100.0, 2, 0.1);
    b.bind(temperature, QStringLiteral("model.router.temperature"),
           MOR_FIELD(model.router.temperature));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Temperature"), temperature, true);
    auto* jitter = realSpin(box, 0.0, 10.0, 3, 0.01);
    b.bind(jitter, QStringLiteral("model.router.jitter"), MOR_FIELD(model.router.jitter));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Jitter"), jitter, true);
    auto* balance = realSpin(box, 0.0, 100.0, 4, 0.005);
    b.bind(balance, QStringLiteral("model.router.balance_weight"),
           MOR_FIELD(model.router.balanceWeight));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Balance loss weight"), balance, true);
    auto* zLoss = realSpin(box, 0.0, 100.0, 4, 0.001);
    b.bind(zLoss, QStringLiteral("model.router.z_loss_weight"),
           MOR_FIELD(model.router.zLossWeight));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Z-loss weight"), zLoss, true);
    auto* selector = realSpin(box, 0.0, 100.0, 3, 0.05);
    b.bind(selector, QStringLiteral("model.router.selector_weight"),
           MOR_FIELD(model.router.selectorWeight));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Selector loss weight"), selector, true);
    auto* feedback = realSpin(box, 0.0, 100.0, 3, 0.05);
    b.bind(feedback, QStringLiteral("model.router.feedback_weight"),
           MOR_FIELD(model.router.feedbackWeight));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Feedback loss weight"), feedback, true);
    auto* renormalize = new QCheckBox(box);
    renormalize->setToolTip(QCoreApplication::translate(
        "setup::SetupView",
        "Renormalise the gates over the selected experts. Off (Switch-style): each "
        "expert counts with its router probability, so the task loss trains the "
        "router. On: at top_k 1 the gate is always 1 and the router learns only from "
        "its auxiliary losses"));
    b.bind(renormalize, QStringLiteral("model.router.renormalize"),
           MOR_FIELD(model.router.renormalize));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Renormalise gates"), renormalize, true);
    auto* sampling = choice(box, {QStringLiteral("deterministic"), QStringLiteral("gumbel")});
    sampling->setToolTip(QCoreApplication::translate(
        "setup::SetupView", "Training-time selection: gumbel samples the experts from the router's "
                     "distribution (needed by the feedback loss); evaluation is deterministic"));
    b.bindChoice<mor::RouterSampling>(sampling, QStringLiteral("model.router.sampling"),
                                      MOR_FIELD(model.router.sampling), mor::routerSamplingNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Sampling"), sampling, true);
    auto* input = new QComboBox(box);
    b.setToolTip(input, QT_TRANSLATE_NOOP(
                            "setup::SetupView",
                            "What the router reads: encoding (the shared encoder's output, which "
                            "the task loss shapes towards the label) or features (the raw input "
                            "through the router's own layers: it sees which features are "
                            "present, not what the encoder learned about the label; needs the "
                            "encoder input vector)"));
    b.bindChoice<mor::RouterInput>(input, QStringLiteral("model.router.input"),
                                   MOR_FIELD(model.router.input), mor::routerInputNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Router input"), input, true);
    auto* objective = new QComboBox(box);
    b.setToolTip(objective,
                 QT_TRANSLATE_NOOP(
                     "setup::SetupView",
                     "What trains the router and the experts. routed: the selected experts, "
                     "through the fused answer. mixture_likelihood (Jacobs et al. 1991): in "
                     "training every expert answers every input and the experts compete for "
                     "it; the one that explains it best learns most from it. hard_em: each "
                     "training input goes to the expert with the lowest loss, only that expert "
                     "learns from it and the router learns the assignment. Both competitive "
                     "objectives run every expert on every training input and need strategy "
                     "top_k"));
    b.bindChoice<mor::RouterObjective>(objective, QStringLiteral("model.router.objective"),
                                       MOR_FIELD(model.router.objective),
                                       mor::routerObjectiveNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Objective"), objective, true);
    auto* gate = new QComboBox(box);
    b.setToolTip(gate, QT_TRANSLATE_NOOP(
                           "setup::SetupView",
                           "The router's form. softmax: a softmax over the router's scores. "
                           "gaussian (Xu, Jordan & Hinton 1995): each expert has a Gaussian over "
                           "the raw input, so each takes a region of the input space; needs "
                           "router input features and objective mixture_likelihood"));
    b.bindChoice<mor::RouterGate>(gate, QStringLiteral("model.router.gate"),
                                  MOR_FIELD(model.router.gate), mor::routerGateNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Gate"), gate, true);
    return box;
}

void showRouterRowsFor(ConfigBinding& b, mor::RoutingStrategy s) {
    using S = mor::RoutingStrategy;
    const bool k = s == S::TopK || s == S::ExpertChoice || s == S::SharedRouted || s == S::Random;
    b.setRowVisible(QStringLiteral("model.router.top_k"), k);
    b.setRowVisible(QStringLiteral("model.router.threshold"), s == S::Threshold);
    b.setRowVisible(QStringLiteral("model.router.top_p"), s == S::TopP);
    b.setRowVisible(QStringLiteral("model.router.capacity_factor"), s == S::ExpertChoice);
    b.setRowVisible(QStringLiteral("model.router.shared_experts"), s == S::SharedRouted);
}

QGroupBox* integration(ConfigBinding& b, QWidget* parent) {
    auto* box = new QGroupBox(parent);
    auto* form = new QFormLayout(box);
    auto* fusion = choice(box, {QStringLiteral("confidence"), QStringLiteral("attention"),
                                QStringLiteral("evidential")});
    b.bindChoice<mor::FusionRule>(fusion, QStringLiteral("model.integration.fusion"),
                                  MOR_FIELD(model.integration.fusion), mor::fusionRuleNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Fusion"), fusion);
    auto* gamma = realSpin(box, -10.0, 10.0, 2, 0.1);
    b.bind(gamma, QStringLiteral("model.integration.gamma"), MOR_FIELD(model.integration.gamma));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Confidence exponent"), gamma, true);
    auto* conflict = realSpin(box, -1.0, 2.0, 3, 0.05);
    b.bind(conflict, QStringLiteral("model.integration.conflict_threshold"),
           MOR_FIELD(model.integration.conflictThreshold));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Conflict threshold"), conflict);
    auto* confident = realSpin(box, -1.0, 2.0, 3, 0.05);
    b.bind(confident, QStringLiteral("model.integration.confident_threshold"),
           MOR_FIELD(model.integration.confidentThreshold));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Confident at"), confident, true);
    auto* resolution = choice(box, {QStringLiteral("weighted"), QStringLiteral("most_confident"),
                                    QStringLiteral("re_reflect"), QStringLiteral("flag")});
    b.bindChoice<mor::ConflictResolution>(
        resolution, QStringLiteral("model.integration.resolution"),
        MOR_FIELD(model.integration.resolution), mor::conflictResolutionNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Resolution"), resolution);
    auto* extra = intSpin(box, 0, 100);
    b.bind(extra, QStringLiteral("model.integration.extra_iterations"),
           MOR_FIELD(model.integration.extraIterations));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Extra iterations"), extra);
    auto* score = choice(box, {QStringLiteral("unweighted"), QStringLiteral("weighted")});
    score->setToolTip(QCoreApplication::translate(
        "setup::SetupView",
        "Conflict score: Jensen-Shannon divergence of the selected experts' answers, "
        "each counted once (unweighted) or by fusion weight (hides disagreement "
        "when one expert dominates)"));
    b.bindChoice<mor::ConflictScoring>(score, QStringLiteral("model.integration.conflict_score"),
                                       MOR_FIELD(model.integration.conflictScore),
                                       mor::conflictScoringNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Conflict score"), score, true);
    auto* calibration = choice(box, {QStringLiteral("temperature"),
                                     QStringLiteral("temperature+threshold"),
                                     QStringLiteral("answer-temperature"), QStringLiteral("none")});
    calibration->setToolTip(QCoreApplication::translate(
        "setup::SetupView",
        "Held-out calibration of the critique: one temperature per expert fitted on "
        "the validation split at every evaluation. temperature+threshold also tunes "
        "each critique-gated expert's halting threshold there: the lowest that "
        "answers as many validation inputs right as the configured one, so a "
        "calibrated critique does not think longer than it needs to") +
        QStringLiteral("\n") +
        QCoreApplication::translate(
            "setup::SetupView",
            "answer-temperature fits the temperature on the answers (the critique of the "
            "step each expert halted at) and moves the halting threshold with it, so "
            "experts stop exactly where the raw critic stops: the critique becomes "
            "honest without changing answers or compute. none keeps the raw critic"));
    b.bindChoice<mor::Calibration>(calibration, QStringLiteral("model.calibration"),
                                   MOR_FIELD(model.calibration), mor::calibrationNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Critique calibration"), calibration,
             true);
    return box;
}

void showIntegrationRowsFor(ConfigBinding& b, mor::ConflictResolution resolution) {
    b.setRowVisible(QStringLiteral("model.integration.extra_iterations"),
                    resolution == mor::ConflictResolution::ReReflect);
}

QGroupBox* training(ConfigBinding& b, QWidget* parent) {
    auto* box = new QGroupBox(parent);
    auto* form = new QFormLayout(box);
    auto* optimizer =
        choice(box, {QStringLiteral("adamw"), QStringLiteral("adam"), QStringLiteral("sgd")});
    b.bindChoice<mor::OptimizerKind>(optimizer, QStringLiteral("train.optimizer"),
                                     MOR_FIELD(train.optimizer), mor::optimizerKindNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Optimizer"), optimizer);
    auto* schedule = choice(box, {QStringLiteral("constant"), QStringLiteral("cosine"),
                                  QStringLiteral("cosine_restarts")});
    b.bindChoice<mor::LearningRateSchedule>(schedule, QStringLiteral("train.schedule"),
                                            MOR_FIELD(train.schedule),
                                            mor::learningRateScheduleNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Schedule"), schedule);
    auto* epochs = intSpin(box, 0, 100000);
    b.bind(epochs, QStringLiteral("train.epochs"), MOR_FIELD(train.epochs));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Epochs"), epochs);
    auto* batch = intSpin(box, 0, 1 << 20);
    b.bind(batch, QStringLiteral("train.batch_size"), MOR_FIELD(train.batchSize));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Batch size"), batch);
    auto* accumulation = intSpin(box, 0, 1024);
    b.bind(accumulation, QStringLiteral("train.accumulation"), MOR_FIELD(train.accumulation));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Accumulation"), accumulation, true);
    auto* lr = realSpin(box, 0.0, 10.0, 5, 0.0005);
    b.bind(lr, QStringLiteral("train.learning_rate"), MOR_FIELD(train.learningRate));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Learning rate"), lr);
    auto* warmup = intSpin(box, 0, 1000000);
    b.bind(warmup, QStringLiteral("train.warmup_steps"), MOR_FIELD(train.warmupSteps));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Warm-up steps"), warmup, true);
    auto* seed = intSpin(box, -1, 1 << 30);
    b.bind(seed, QStringLiteral("train.seed"), MOR_FIELD(train.seed));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Seed"), seed);
    auto* device =
        choice(box, {QStringLiteral("cpu"), QStringLiteral("cuda"), QStringLiteral("auto")});
    b.bindChoice<mor::DeviceChoice>(device, QStringLiteral("train.device"),
                                    MOR_FIELD(train.device), mor::deviceChoiceNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Device"), device);
    auto* precision = new QComboBox(box);
    precision->setToolTip(QCoreApplication::translate(
        "setup::SetupView", "fp32: everything in float32. bf16: the training forward pass under "
                     "bfloat16 autocast (matmuls in bf16; weights, gradients, optimizer and "
                     "evaluation stay float32). Faster on GPUs with bf16; on most CPUs slower"));
    b.bindChoice<mor::Precision>(
        precision, QStringLiteral("train.precision"),
        [](mor::ExperimentConfig& c) -> mor::Precision& { return c.train.precision; },
        mor::precisionNames());
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Precision"), precision, true);
    // CPU threads of the training; 0 takes every core (and slows the window down while it
    // trains), so new experiments leave one core free (MainWindow's New experiment).
    auto* threads = intSpin(box, 0, 1024);
    threads->setObjectName(QStringLiteral("trainThreads"));
    threads->setProperty("morSpecialText", QT_TRANSLATE_NOOP("setup::SetupView", "all cores"));
    threads->setSpecialValueText(QCoreApplication::translate("setup::SetupView", "all cores"));
    b.bind(threads, QStringLiteral("train.threads"), MOR_FIELD(train.threads));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Threads"), threads);
    auto* traces = new QCheckBox(box);
    b.bind(traces, QStringLiteral("train.log_traces"), MOR_FIELD(train.logTraces));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Log traces"), traces, true);
    return box;
}

} // namespace SetupSections

} // namespace setup
