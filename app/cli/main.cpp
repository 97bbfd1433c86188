// mor: the command-line front end of MoR Studio. Same core calls as the GUI. Every command
// file registers its own subcommands, options and actions (command_action.h); main() only
// lists them and parses.
#include "commands.h"
#include "commands_baseline.h"
#include "commands_generate.h"
#include "commands_merge.h"
#include "commands_prune.h"
#include "commands_retrain.h"
#include "commands_sweep.h"
#include "commands_validate.h"
#include "commands_verify.h"
#ifdef MOR_WITH_SERVE
#include "serve/serve_command.h"
#endif

#include "mor/allocator.h"
#include "mor/version.h"

#include <csignal>
#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
    mor::tuneAllocator(); // before any tensor: keeps freed activations in the process
    // A peer that dies (data-parallel training, a serve client) must surface as an error the
    // command reports (EPIPE), not as a silent kill by SIGPIPE (exit 141, no message).
    std::signal(SIGPIPE, SIG_IGN);
    CLI::App app{"mor - train and inspect Mixture-of-Reflection models (MoR Studio)"};
    app.set_version_flag("--version", "mor " + mor::versionString());
    app.require_subcommand(1);

    registerTrainCommands(app); // train, resume, eval
    registerValidateCommand(app);
    registerInspectCommands(app); // runs, show, export
    registerTraceCommand(app);
    registerGenerateCommand(app);
#ifdef MOR_WITH_SERVE
    mor::serve::registerServeCommand(app);
#endif
    registerSweepCommands(app); // sweep, sweeps
    registerBaselineCommand(app);
    registerMergeCommand(app);
    registerVerifyCommand(app);
    registerPruneCommand(app);
    registerRetrainCommand(app);

    // The chosen subcommand's action runs inside the parse; a non-zero exit code comes back
    // as a CLI::RuntimeError, which CLI11_PARSE returns without printing.
    CLI11_PARSE(app, argc, argv);
    return 0;
}
