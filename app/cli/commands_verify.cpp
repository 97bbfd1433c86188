// SPDX-License-Identifier: GPL-3.0-or-later
#include "commands_verify.h"
#include "command_action.h"

#include "commands.h"

#include "mor/time_text.h"
#include "mor/version.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>

namespace {

std::string orUnknown(const std::string& s) {
    return s.empty() ? std::string("unknown") : s;
}

} // namespace

static CLI::App* addVerifyOptions(CLI::App& app, VerifyArgs& args) {
    auto* c = app.add_subcommand(
        "verify", "Re-hash a run's config and data files: can it be reproduced as logged?");
    c->add_option("--log", args.log, "Experiment log")->required();
    c->add_option("--run", args.run, "Run id")->required();
    c->add_flag("--json", args.json, "One JSON object");
    return c;
}

void printRunAudit(const std::optional<mor::RunAudit>& audit) {
    std::printf("audit trail:\n");
    if (!audit) {
        std::printf("  not recorded (the run was logged before log schema 4)\n");
        return;
    }
    const mor::RunAudit& a = *audit;
    std::printf("  recorded      %s\n  user@host     %s@%s\n  command line  %s\n"
                "  app version   %s (commit %s)\n  libtorch      %s on %s\n"
                "  config sha256 %s\n",
                orUnknown(mor::isoUtcText(a.recordedMs)).c_str(), a.user.c_str(), a.host.c_str(),
                a.commandLine.c_str(), a.appVersion.c_str(), orUnknown(a.gitCommit).c_str(),
                orUnknown(a.torchVersion).c_str(), a.device.c_str(), a.configSha256.c_str());
    std::printf("  parent run    %s\n",
                a.parentRun > 0
                    ? (std::to_string(a.parentRun) + " (" + a.parentKind + ")").c_str()
                    : "none");
    if (!a.sweep.empty()) {
        std::printf("  sweep         %s\n", a.sweep.c_str());
    }
    for (const std::string& r : a.resumes) {
        std::printf("  %s\n", r.c_str());
    }
    if (a.dataFiles.empty()) {
        std::printf("  data files    none (generated data)\n");
    }
    for (const mor::AuditDataFile& f : a.dataFiles) {
        std::printf("  %-13s %s\n                sha256 %s, %lld bytes\n", f.field.c_str(),
                    f.path.c_str(), f.sha256.empty() ? "(unreadable)" : f.sha256.c_str(),
                    (long long)f.bytes);
    }
}

int cmdVerify(const VerifyArgs& args) {
    const mor::AuditVerification v = mor::verifyRunAudit(args.log, args.run);
    if (!v.error.empty()) {
        return userError(v.error);
    }
    const bool ok = v.reproducible();
    // Not a failure, but worth knowing: a different build may train differently.
    std::string error;
    const auto audit = mor::readRunAudit(args.log, args.run, &error);
    const std::string loggedBuild =
        audit ? audit->appVersion + " (commit " + orUnknown(audit->gitCommit) + ")" : "";
    const std::string thisBuild =
        mor::versionString() + " (commit " + orUnknown(mor::buildGitCommit()) + ")";
    const bool sameBuild = !audit || loggedBuild == thisBuild;
    if (args.json) {
        nlohmann::json checks = nlohmann::json::array();
        for (const mor::AuditCheck& c : v.checks) {
            checks.push_back({{"item", c.item},
                              {"status", c.status},
                              {"expected", c.expected},
                              {"actual", c.actual},
                              {"detail", c.detail}});
        }
        std::cout << nlohmann::json{{"run", args.run},
                                    {"reproducible", ok},
                                    {"checks", checks},
                                    {"logged_build", loggedBuild},
                                    {"this_build", thisBuild}}
                         .dump(2)
                  << std::endl;
        return ok ? 0 : 1;
    }
    for (const mor::AuditCheck& c : v.checks) {
        std::printf("%-12s %-13s %s\n", c.status == "ok" ? "ok" : c.status.c_str(),
                    c.item.c_str(), c.detail.c_str());
    }
    if (!sameBuild) {
        std::printf("note         build         logged with %s, this is %s\n",
                    loggedBuild.c_str(), thisBuild.c_str());
    }
    if (ok) {
        std::printf("run %lld can be reproduced as logged: the config and %zu data file(s) "
                    "hash as recorded\n",
                    (long long)args.run, v.checks.size() - 1);
        return 0;
    }
    std::printf("run %lld can NOT be reproduced as logged:\n", (long long)args.run);
    for (const mor::AuditCheck& c : v.checks) {
        if (c.status != "ok") {
            std::printf("  - %s %s: %s\n", c.item.c_str(), c.status.c_str(), c.detail.c_str());
        }
    }
    return 1;
}

void registerVerifyCommand(CLI::App& app) {
    auto args = std::make_shared<VerifyArgs>();
    setCommandAction(addVerifyOptions(app, *args), [args] { return cmdVerify(*args); });
}
