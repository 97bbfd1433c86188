// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/pruning.h"

#include "model/reflection_expert.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

namespace mor::train {

namespace {

/// The parameter's own name (after the last '.').
std::string pruneLeafName(const std::string& name) {
    const auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(dot + 1);
}

bool pruneIsExpertParameter(const std::string& name) {
    if (name.rfind("nested.", 0) == 0) {
        return true;
    }
    if (name.rfind("expert", 0) != 0) {
        return false;
    }
    size_t i = 6;
    while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i]))) {
        ++i;
    }
    return i > 6 && i < name.size() && name[i] == '.';
}

/// Layers whose rows are answers (class logits, the critique, the halting probability), not
/// hidden units: removing a row there removes an output, not a unit.
bool pruneIsOutputLayer(const std::string& name) {
    for (const char* part : {".head.", ".critic2.", ".halt.", "nested.out.", "nested.critic."}) {
        if (name.find(part) != std::string::npos || name.rfind(part, 0) == 0) {
            return true;
        }
    }
    return false;
}

/// How many of `n` entries a fraction `amount` prunes (exact; a hair of slack for 0.3 * 10).
int64_t pruneCount(double amount, int64_t n) {
    const double a = std::clamp(amount, 0.0, 1.0);
    return std::min<int64_t>(n, int64_t(std::floor(a * double(n) + 1e-9)));
}

/// The indices of the `n` smallest values of a 1-D tensor (ties by position).
torch::Tensor pruneSmallest(const torch::Tensor& values, int64_t n) {
    const auto order = std::get<1>(torch::sort(values, /*stable=*/true, /*dim=*/0,
                                               /*descending=*/false));
    return order.slice(0, 0, n);
}

} // namespace

std::vector<std::string> pruneExpertWeightNames(torch::nn::Module& module) {
    std::vector<std::string> names;
    for (const auto& item : module.named_parameters(true)) {
        const std::string& name = item.key();
        if (pruneIsExpertParameter(name) && item.value().dim() == 2 &&
            pruneLeafName(name).rfind("weight", 0) == 0) {
            names.push_back(name);
        }
    }
    return names;
}

PruneReport pruneMagnitude(torch::nn::Module& module, double amount) {
    return pruneMagnitudeOf(module, pruneExpertWeightNames(module), amount);
}

PruneReport pruneMagnitudeOf(torch::nn::Module& module, const std::vector<std::string>& names,
                             double amount) {
    torch::NoGradGuard noGrad;
    PruneReport report;
    const auto params = module.named_parameters(true);
    std::vector<torch::Tensor> flat;
    for (const auto& name : names) {
        flat.push_back(params[name].detach().abs().flatten().to(torch::kCPU, torch::kFloat));
    }
    if (flat.empty()) {
        return report;
    }
    const auto all = torch::cat(flat);
    report.candidates = all.numel();
    const int64_t n = pruneCount(amount, report.candidates);
    auto keep = torch::ones({report.candidates});
    if (n > 0) {
        keep.index_fill_(0, pruneSmallest(all, n), 0.0);
    }
    int64_t offset = 0;
    for (const auto& name : names) {
        const auto& p = params[name];
        const int64_t count = p.numel();
        auto mask = keep.slice(0, offset, offset + count).view(p.sizes()).to(p.options());
        offset += count;
        p.mul_(mask);
        report.masks[name] = mask;
    }
    report.pruned = n;
    return report;
}

PruneReport pruneStructuredRows(torch::nn::Module& module, double amount) {
    std::vector<std::string> names;
    for (const auto& name : pruneExpertWeightNames(module)) {
        if (!pruneIsOutputLayer(name)) {
            names.push_back(name);
        }
    }
    return pruneRowsOf(module, names, amount);
}

PruneReport pruneRowsOf(torch::nn::Module& module, const std::vector<std::string>& names,
                        double amount) {
    torch::NoGradGuard noGrad;
    PruneReport report;
    const auto params = module.named_parameters(true);
    for (const auto& name : names) {
        const auto& w = params[name];
        const int64_t rows = w.size(0);
        report.candidates += w.numel();
        const int64_t n = pruneCount(amount, rows);
        auto keepRows = torch::ones({rows}, w.options());
        if (n > 0) {
            const auto norms = w.detach().norm(2, {1}).to(torch::kCPU, torch::kFloat);
            keepRows.index_fill_(0, pruneSmallest(norms, n).to(w.device()), 0.0);
        }
        auto mask = keepRows.unsqueeze(1).expand_as(w).contiguous();
        w.mul_(mask);
        report.masks[name] = mask;
        report.pruned += n * w.size(1);
        // The unit's bias goes with its row ("weight" -> "bias", "weight_ih" -> "bias_ih").
        const std::string leaf = pruneLeafName(name);
        const std::string biasName =
            name.substr(0, name.size() - leaf.size()) + "bias" + leaf.substr(6);
        if (const auto* bias = params.find(biasName)) {
            if (bias->dim() == 1 && bias->size(0) == rows) {
                auto b = *bias;
                b.mul_(keepRows);
                report.masks[biasName] = keepRows.clone();
            }
        }
    }
    return report;
}

double pruneDeadExpertLogit(double routerTemperature) {
    // exp(-104) is already below float32's smallest denormal; -1e4 leaves a wide margin and
    // stays far from overflow in anything that squares a logit.
    return -1e4 * std::max(1.0, routerTemperature);
}

int64_t pruneRouterExperts(torch::nn::Module& module) {
    const auto params = module.named_parameters(true);
    for (const char* name : {"router.out.weight", "router.gate_mean"}) {
        if (const auto* p = params.find(name)) {
            return p->size(0);
        }
    }
    return 0;
}

PruneReport pruneRetireExperts(torch::nn::Module& module, const std::vector<int64_t>& dead,
                               double routerTemperature) {
    torch::NoGradGuard noGrad;
    PruneReport report;
    auto params = module.named_parameters(true);
    // The router's per-expert entries: a softmax router's output layer, or the Gaussian
    // gate's component means, log-variances and prior logits. Each retired expert's entries
    // get the value that keeps its probability at exactly 0, and a 0 mask while fine-tuning.
    struct RouterEntry {
        std::string name;
        torch::Tensor* value;
        double retired;
        bool counted; ///< a weight the expert used (the prune count), not a mask value
    };
    std::vector<RouterEntry> entries;
    const double deadLogit = pruneDeadExpertLogit(routerTemperature);
    if (auto* weight = params.find("router.out.weight")) {
        auto* bias = params.find("router.out.bias");
        if (!bias) {
            throw std::invalid_argument("the router's output layer has no bias (router.out)");
        }
        entries = {{"router.out.weight", weight, 0.0, true},
                   {"router.out.bias", bias, deadLogit, false}};
    } else if (auto* mean = params.find("router.gate_mean")) {
        auto* logVar = params.find("router.gate_log_var");
        auto* prior = params.find("router.gate_prior");
        if (!logVar || !prior) {
            throw std::invalid_argument("the Gaussian gate lacks gate_log_var or gate_prior");
        }
        // exp(-40) is far below the variance floor: the component is as narrow as allowed.
        entries = {{"router.gate_mean", mean, kPruneGateFarMean, true},
                   {"router.gate_log_var", logVar, -40.0, true},
                   {"router.gate_prior", prior, deadLogit, false}};
    } else {
        throw std::invalid_argument(
            "the model's router has neither an output layer (router.out) nor a Gaussian gate "
            "(router.gate_mean)");
    }
    const int64_t experts = entries.front().value->size(0);
    std::vector<torch::Tensor> keep;
    for (const auto& e : entries) {
        keep.push_back(torch::ones_like(*e.value));
        report.candidates += e.counted ? e.value->numel() : 0;
    }
    for (int64_t j : dead) {
        if (j < 0 || j >= experts) {
            throw std::invalid_argument("expert " + std::to_string(j) + " is not one of the " +
                                        std::to_string(experts) + " the router chooses from");
        }
        for (size_t i = 0; i < entries.size(); ++i) {
            auto row = entries[i].value->select(0, j);
            row.fill_(entries[i].retired);
            keep[i].select(0, j).zero_();
            report.pruned += entries[i].counted ? row.numel() : 0;
        }
        const std::string prefix = "expert" + std::to_string(j) + ".";
        for (auto& item : params) {
            if (item.key().rfind(prefix, 0) == 0) {
                item.value().zero_();
                report.masks[item.key()] = torch::zeros_like(item.value());
                report.pruned += item.value().numel();
            }
        }
    }
    for (const auto& item : params) {
        if (pruneIsExpertParameter(item.key())) {
            report.candidates += item.value().numel();
        }
    }
    for (size_t i = 0; i < entries.size(); ++i) {
        report.masks[entries[i].name] = keep[i];
    }
    return report;
}

bool pruneCopyWeights(torch::nn::Module& from, torch::nn::Module& to, std::string* error) {
    torch::NoGradGuard noGrad;
    const auto source = from.named_parameters(true);
    const auto sourceBuffers = from.named_buffers(true);
    auto copy = [&](const std::string& name, const torch::Tensor& target,
                    const torch::Tensor* value) -> bool {
        if (!value) {
            *error = "the pruned model has \"" + name + "\", which the run's model lacks";
            return false;
        }
        torch::Tensor v = *value;
        if (v.sizes() != target.sizes()) {
            const bool leading = v.dim() == target.dim() && v.dim() > 0 &&
                                 target.size(0) <= v.size(0) &&
                                 v.sizes().slice(1) == target.sizes().slice(1);
            if (!leading) {
                *error = "cannot map \"" + name + "\" onto the pruned model (shape differs)";
                return false;
            }
            v = v.slice(0, 0, target.size(0));
        }
        target.copy_(v);
        return true;
    };
    for (auto& item : to.named_parameters(true)) {
        if (!copy(item.key(), item.value(), source.find(item.key()))) {
            return false;
        }
    }
    for (auto& item : to.named_buffers(true)) {
        if (!copy(item.key(), item.value(), sourceBuffers.find(item.key()))) {
            return false;
        }
    }
    return true;
}

void pruneHoldMasks(torch::nn::Module& module, const PruneMasks& masks) {
    auto params = module.named_parameters(true);
    for (const auto& [name, mask] : masks) {
        if (auto* p = params.find(name)) {
            const torch::Tensor m = mask.to(p->options());
            p->register_hook([m](const torch::Tensor& grad) { return grad * m; });
        }
    }
}

int64_t pruneNonzeroParameters(torch::nn::Module& module) {
    torch::NoGradGuard noGrad;
    int64_t n = 0;
    for (const auto& p : module.parameters(true)) {
        n += p.ne(0).sum().item<int64_t>();
    }
    return n;
}

double pruneSparseFlops(torch::nn::Module& module, double denseFlops,
                        const std::vector<double>& activation,
                        const std::vector<double>& depthPerExpert) {
    torch::NoGradGuard noGrad;
    double flops = denseFlops;
    for (const auto& child : module.named_children()) {
        const std::string& name = child.key();
        auto expert = std::dynamic_pointer_cast<model::ReflectionExpertImpl>(child.value());
        if (!expert || name.rfind("expert", 0) != 0) {
            continue;
        }
        const auto j = size_t(std::stoll(name.substr(6)));
        if (j >= activation.size() || j >= depthPerExpert.size()) {
            continue;
        }
        int64_t total = 0, nonzero = 0;
        for (const auto& p : expert->named_parameters(true)) {
            if (p.value().dim() == 2 && pruneLeafName(p.key()).rfind("weight", 0) == 0) {
                total += p.value().numel();
                nonzero += p.value().ne(0).sum().item<int64_t>();
            }
        }
        if (total > 0) {
            const double zeroShare = 1.0 - double(nonzero) / double(total);
            flops -= activation[j] * depthPerExpert[j] * expert->stepFlops() * zeroShare;
        }
    }
    return flops;
}

} // namespace mor::train
