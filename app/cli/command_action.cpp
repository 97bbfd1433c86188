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

std::string padded(const std::string& text, size_t width) {
    size_t columns = 0;
    for (const unsigned char c : text) {
        columns += (c & 0xC0) != 0x80 ? 1 : 0;
    }
    return text + std::string(width > columns ? width - columns : 0, ' ');
}
