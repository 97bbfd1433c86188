// mor: the command-line front end of MoR Studio. Same core calls as the GUI.
#include "commands.h"
#include "commands_generate.h"
#include "commands_merge.h"
#include "commands_prune.h"
#include "commands_retrain.h"
#include "commands_sweep.h"
#include "commands_validate.h"
#include "commands_verify.h"
#include "serve/serve_command.h"

#include "mor/version.h"

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
    CLI::App app{"mor - train and inspect Mixture-of-Reflection models (MoR Studio)"};
    app.set_version_flag("--version", "mor " + mor::versionString());
    app.require_subcommand(1);

    TrainArgs train;
    auto* cTrain = app.add_subcommand("train", "Train an experiment from a JSON config");
    cTrain->add_option("--config", train.config, "Experiment config (JSON)")->required();
    cTrain->add_option("--log", train.log, "Experiment log (SQLite; created if missing)")->required();
    cTrain->add_option("--name", train.name, "Run name");
    cTrain->add_option("--seed", train.seed, "Override train.seed");
    cTrain->add_option("--device", train.device, "cpu | cuda | auto")
        ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
    cTrain->add_option("--threads", train.threads, "Intra-op threads (0 = all cores)");
    cTrain->add_option("--tag", train.tags, "Tag the run (repeatable)");
    cTrain->add_option("--nproc", train.nproc, "Data-parallel: spawn N local worker processes")
        ->check(CLI::Range(1, 256));
    cTrain->add_flag("--json", train.json, "Print one JSON object with the outcome last");
    cTrain->add_flag("--quiet", train.quiet, "No progress output");

    RunArgs run;
    auto addRun = [&run](CLI::App* c) {
        c->add_option("--log", run.log, "Experiment log")->required();
        c->add_option("--run", run.run, "Run id")->required();
    };
    auto* cResume = app.add_subcommand("resume", "Continue a run from its last checkpoint");
    addRun(cResume);
    cResume->add_option("--threads", run.threads, "Intra-op threads (0 = all cores)");
    cResume->add_flag("--json", run.json, "Print one JSON object with the outcome last");

    auto* cEval = app.add_subcommand("eval", "Evaluate a run's last checkpoint on its test split");
    addRun(cEval);
    cEval->add_flag("--json", run.json, "JSON output");
    bool counterfactual = false;
    int64_t evalStep = -1;
    cEval->add_flag("--counterfactual", counterfactual,
                    "Accuracy if every expert halted at step k, with each expert vetoed, "
                    "with each fixed expert instead of the router");
    cEval->add_option("--step", evalStep, "--counterfactual: checkpoint at or before this step");

    ValidateArgs validate;
    auto* cValidate = addValidateCommand(app, validate);

    std::string runsLog;
    bool runsJson = false;
    auto* cRuns = app.add_subcommand("runs", "List the runs of a log");
    cRuns->add_option("--log", runsLog, "Experiment log")->required();
    cRuns->add_flag("--json", runsJson, "JSON output");

    auto* cShow = app.add_subcommand("show", "Summary of a run: config, metrics, experts");
    addRun(cShow);
    cShow->add_flag("--json", run.json, "JSON output");

    TraceArgs trace;
    auto* cTrace = app.add_subcommand(
        "trace", "The reflection trace of one input, plain or counterfactual (what if)");
    cTrace->add_option("--log", trace.run.log, "Experiment log")->required();
    cTrace->add_option("--run", trace.run.run, "Run id")->required();
    cTrace->add_option("--sample", trace.sample,
                       "Sample id (a probe input, or any input of the data set)")
        ->required();
    cTrace->add_option("--step", trace.step, "Evaluation step / checkpoint at or before it "
                                             "(default: the last)");
    auto& iv = trace.intervention;
    cTrace->add_option("--force-halt", iv.forceHalt, "Every selected expert halts at step k")
        ->check(CLI::PositiveNumber);
    cTrace->add_option("--extra-steps", iv.extraSteps,
                       "Every selected expert runs n more steps past its maximum depth")
        ->check(CLI::PositiveNumber);
    cTrace->add_option("--veto", iv.veto, "Drop these experts and re-fuse (E[,E...])")
        ->delimiter(',');
    cTrace->add_option("--route", iv.route, "Route the input to exactly these experts (E[,E...])")
        ->delimiter(',');
    cTrace->add_option("--gates", iv.routeGates, "--route: their gates (default: router p)")
        ->delimiter(',');
    cTrace->add_flag("--no-critique-feedback", iv.noCritiqueFeedback,
                     "The cell reads a zero critique instead of its last one");
    cTrace->add_flag("--json", trace.run.json, "One JSON object");

    std::string csvDir, weights;
    auto* cExport = app.add_subcommand("export", "Export metrics and traces (CSV) or weights");
    addRun(cExport);
    cExport->add_option("--csv", csvDir, "Folder for metrics.csv, traces.csv, conflicts.csv");
    cExport->add_option("--weights", weights, "File for the weights (TorchScript archive)");
    std::string exportDtype = "float32";
    bool exportCompare = false;
    cExport->add_option("--dtype", exportDtype, "Weight storage: float32 | bf16 | fp16 | int8")
        ->capture_default_str()
        ->check(CLI::IsMember({"float32", "bf16", "fp16", "int8"}));
    cExport->add_flag("--compare", exportCompare,
                      "Also report size, test accuracy and agreement against the checkpoint");

    GenerateArgs generate;
    auto* cGenerate = addGenerateCommand(app, generate);

    mor::serve::ServeOptions serve;
    auto* cServe = mor::serve::addServeCommand(app, serve);

    SweepArgs sweep;
    auto* cSweep = addSweepCommand(app, sweep);
    SweepsArgs sweeps;
    auto* cSweeps = addSweepsCommand(app, sweeps);
    BaselineArgs baseline;
    auto* cBaseline = addBaselineCommand(app, baseline);
    MergeArgs merge;
    auto* cMerge = addMergeCommand(app, merge);
    VerifyArgs verify;
    auto* cVerify = addVerifyCommand(app, verify);
    PruneArgs prune;
    auto* cPrune = addPruneCommand(app, prune);
    RetrainArgs retrain;
    auto* cRetrain = addRetrainCommand(app, retrain);

    CLI11_PARSE(app, argc, argv);

    if (cTrain->parsed()) {
        return cmdTrain(train);
    }
    if (cResume->parsed()) {
        return cmdResume(run);
    }
    if (cEval->parsed()) {
        return counterfactual ? cmdEvalCounterfactual(run, evalStep) : cmdEval(run);
    }
    if (cValidate->parsed()) {
        return cmdValidateConfig(validate);
    }
    if (cRuns->parsed()) {
        return cmdRuns(runsLog, runsJson);
    }
    if (cShow->parsed()) {
        return cmdShow(run);
    }
    if (cVerify->parsed()) {
        return cmdVerify(verify);
    }
    if (cTrace->parsed()) {
        return cmdTrace(trace);
    }
    if (cExport->parsed()) {
        return cmdExport(run, csvDir, weights, exportDtype, exportCompare);
    }
    if (cGenerate->parsed()) {
        return cmdGenerate(generate);
    }
    if (cServe->parsed()) {
        return mor::serve::cmdServe(serve);
    }
    if (cSweep->parsed()) {
        return cmdSweep(sweep);
    }
    if (cSweeps->parsed()) {
        return cmdSweeps(sweeps);
    }
    if (cBaseline->parsed()) {
        return cmdBaseline(baseline);
    }
    if (cMerge->parsed()) {
        return cmdMerge(merge);
    }
    if (cPrune->parsed()) {
        return cmdPrune(prune);
    }
    if (cRetrain->parsed()) {
        return cmdRetrain(retrain);
    }
    return 0;
}
