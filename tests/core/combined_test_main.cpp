// SPDX-License-Identifier: GPL-3.0-or-later
// main() of an executable that holds several Qt Test classes (combined_test.h): runs the one
// named by the executable's own name (a link such as tst_halting -> tst_core_model) or, when
// that names none, by the first argument (`tst_core_model tst_halting [QTest arguments]`).
#include <cstdio>
#include <map>
#include <string>

namespace mor_test {

using TestMain = int (*)(int argc, char* argv[]);

namespace {

std::map<std::string, TestMain>& registry()
{
    static std::map<std::string, TestMain> tests;
    return tests;
}

/// "dir/tst_halting.cpp" -> "tst_halting".
std::string baseName(const std::string& path)
{
    std::string name = path.substr(path.find_last_of("/\\") + 1);
    const auto dot = name.find('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
}

} // namespace

bool registerTestMain(const char* file, TestMain main)
{
    registry()[baseName(file)] = main;
    return true;
}

} // namespace mor_test

int main(int argc, char* argv[])
{
    const auto& tests = mor_test::registry();
    if (const auto self = tests.find(mor_test::baseName(argv[0])); self != tests.end()) {
        return self->second(argc, argv);
    }
    if (argc > 1) {
        if (const auto named = tests.find(argv[1]); named != tests.end()) {
            argv[1] = argv[0]; // the test sees its own name as the program name
            return named->second(argc - 1, argv + 1);
        }
    }
    std::fprintf(stderr, "usage: %s TEST [Qt Test arguments], or start it as a link named TEST\n"
                         "TEST is one of:\n", argv[0]);
    for (const auto& entry : tests) {
        std::fprintf(stderr, "  %s\n", entry.first.c_str());
    }
    return 2;
}
