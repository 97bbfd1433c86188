#pragma once
// `mor serve`: the inference service as a subcommand of the mor CLI.
#include "serve/serve_options.h"

#include <CLI/CLI.hpp>

namespace mor::serve {

/// Adds the subcommand, its options and its action to `app` (command_action.h).
void registerServeCommand(CLI::App& app);
/// Loads the run, serves until SIGINT or SIGTERM; returns the exit code.
int cmdServe(ServeOptions options);

} // namespace mor::serve
