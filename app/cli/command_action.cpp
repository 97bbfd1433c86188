// SPDX-License-Identifier: GPL-3.0-or-later
#include "command_action.h"

#include <CLI/CLI.hpp>

#include <cstdio>

void setCommandAction(CLI::App* command, std::function<int()> action) {
    command->callback([action = std::move(action)] {
        const int code = action();
        if (code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

int userError(const std::string& message) {
    std::fprintf(stderr, "mor: %s\n", message.c_str());
    return 2;
}
