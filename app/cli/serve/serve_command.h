#pragma once
// `mor serve`: the inference service as a subcommand of the mor CLI.
#include "serve/serve_options.h"

#include <CLI/CLI.hpp>

namespace mor::serve {

/// Registers the subcommand and its options (filled into `options` when parsed).
CLI::App* addServeCommand(CLI::App& app, ServeOptions& options);
/// Loads the run, serves until SIGINT or SIGTERM; returns the exit code.
int cmdServe(ServeOptions options);

} // namespace mor::serve
