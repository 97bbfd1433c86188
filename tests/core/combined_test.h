#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Several Qt Test classes in one executable (CI time, issue 16 session 11). A translation unit
// that includes torch spends ~11 s of CPU only loading the 570 MB torch PCH, so the torch tests
// of a folder are unity-built into a few translation units of one executable
// (mor_add_combined_tests in tests/CMakeLists.txt). The unity files include this header before
// every test source: the source's QTEST_APPLESS_MAIN / QTEST_GUILESS_MAIN then defines the same
// main body as a function registered under the source's base name (tst_halting.cpp ->
// "tst_halting") instead of `main`. combined_test_main.cpp runs the test named by the name the
// executable was started as (the build links tst_halting -> tst_core_model) or by its first
// argument. Each test file still builds on its own with Qt's own macros.
#include <QtTest>

namespace mor_test {
using TestMain = int (*)(int argc, char* argv[]);
/// Registers `main` under the base name of `file` (directory and extension removed).
bool registerTestMain(const char* file, TestMain main);
} // namespace mor_test

// Qt's QTEST_MAIN_WRAPPER (qtest.h) with `main` renamed and registered.
#undef QTEST_MAIN_WRAPPER
#define QTEST_MAIN_WRAPPER(TestObject, ...)                                                      \
    static int morTestMain_##TestObject(int argc, char* argv[])                                  \
    {                                                                                            \
        TESTLIB_SELFCOVERAGE_START(#TestObject)                                                  \
        QT_PREPEND_NAMESPACE(QTest::Internal::callInitMain)<TestObject>();                       \
        __VA_ARGS__                                                                              \
        TestObject tc;                                                                           \
        QTEST_SET_MAIN_SOURCE_PATH                                                               \
        return QTest::qExec(&tc, argc, argv);                                                    \
    }                                                                                            \
    [[maybe_unused]] static const bool morTestRegistered_##TestObject =                          \
        ::mor_test::registerTestMain(__FILE__, &morTestMain_##TestObject);
