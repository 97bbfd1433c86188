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
    torch::NoGradGuard noGrad;
    PruneReport report;
    const auto params = module.named_parameters(true);
    const auto names = pruneExpertWeightNames(module);
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
    torch::NoGradGuard noGrad;
    PruneReport report;
    const auto params = module.named_parameters(true);
    for (const auto& name : pruneExpertWeightNames(module)) {
        if (pruneIsOutputLayer(name)) {
            continue;
        }
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

PruneReport pruneRetireExperts(torch::nn::Module& module, const std::vector<int64_t>& dead,
                               double routerTemperature) {
    torch::NoGradGuard noGrad;
    PruneReport report;
    auto params = module.named_parameters(true);
    auto* weight = params.find("router.out.weight");
    auto* bias = params.find("router.out.bias");
    if (!weight || !bias) {
        throw std::invalid_argument("the model has no router output layer (router.out)");
    }
    auto keepW = torch::ones_like(*weight);
    auto keepB = torch::ones_like(*bias);
    for (int64_t j : dead) {
        weight->select(0, j).zero_();
        bias->select(0, j).fill_(pruneDeadExpertLogit(routerTemperature));
        keepW.select(0, j).zero_();
        keepB.select(0, j).zero_();
        report.pruned += weight->size(1);
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
    report.candidates += weight->numel();
    report.masks["router.out.weight"] = keepW;
    report.masks["router.out.bias"] = keepB;
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
