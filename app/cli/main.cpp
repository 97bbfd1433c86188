// mor: the command-line front end of MoR Studio (placeholder until the CLI lands).
#include "mor/version.h"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"mor - train and inspect Mixture-of-Reflection models"};
    app.set_version_flag("--version", "mor " + mor::versionString());
    app.require_subcommand(1);
    app.add_subcommand("train", "Train an experiment from a JSON config");
    CLI11_PARSE(app, argc, argv);
    return 0;
}
