#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// How every `mor` subcommand is wired, the same way in each command file: its
// register…Command(CLI::App&) adds the subcommand, binds the options to arguments it owns and
// gives it an action with setCommandAction. main() only registers and parses.
#include <functional>
#include <string>

namespace CLI {
class App;
}

/// Runs `action` after parsing when `command` is the subcommand given; its return value is
/// mor's exit code (non-zero codes leave CLI11_PARSE as a CLI::RuntimeError, printed by no one).
void setCommandAction(CLI::App* command, std::function<int()> action);

/// Prints "mor: <message>" to stderr and returns the exit code for user errors (2).
int userError(const std::string& message);

/// Left-aligned in `width` terminal columns, counting UTF-8 characters, not bytes ("±", "␣"):
/// the tables the commands print.
std::string padded(const std::string& text, size_t width);
