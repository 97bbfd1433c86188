// SPDX-License-Identifier: GPL-3.0-or-later
#include "serve/weight_archive.h"

#include <filesystem>

namespace mor::serve {

namespace {

constexpr const char* kScaleSuffix = "_scale";

/// Per output row: scale = max |w| / 127, q = round(w / scale) in [-127, 127].
void quantiseRows(const torch::Tensor& w, torch::Tensor* q, torch::Tensor* scale) {
    const auto f = w.detach().to(torch::kCPU, torch::kFloat32);
    auto s = std::get<0>(f.abs().max(1)) / 127.0;
    s = torch::where(s > 0, s, torch::ones_like(s)); // an all-zero row keeps scale 1
    *q = torch::round(f / s.unsqueeze(1)).clamp(-127, 127).to(torch::kInt8);
    *scale = s.contiguous();
}

/// Routing and halting are discrete decisions taken on a score: a layer that computes one
/// (a router, a one-output halting or critique score) stays float32, so that int8 rounding
/// does not move an input to another expert or depth.
bool decidesRouting(const std::string& path, const torch::Tensor& weight) {
    return path.find("router") != std::string::npos || weight.size(0) == 1;
}

/// The output head stays float32 too: a Linear registered as "head" (the recursion model's
/// token head, each reflection expert's class head) or the nested expert's "out". The answer
/// is the argmax over its rows, and per-row int8 scales give each row (each class) its own
/// rounding error, which reorders near-tied logits: keeping it float32 raised an under-trained
/// recursion model's agreement with float from 95.2 % to 99.3 % (issue22_int8.md in
/// tests/bench/results). It costs 3 bytes per head weight, little next to the blocks.
bool archiveIsOutputHead(const std::string& path) {
    const auto endsWith = [&](const std::string& tail) {
        return path.size() >= tail.size() &&
               path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
    };
    return path == "head." || endsWith(".head.") || path == "nested.out." ||
           endsWith(".nested.out.");
}

void writeModule(const torch::nn::Module& module, torch::serialize::OutputArchive& archive,
                 WeightDType dtype, ArchiveStats& stats, const std::string& path = "") {
    const bool linear = dynamic_cast<const torch::nn::LinearImpl*>(&module) != nullptr;
    // A recurrent cell's gate matrices (weight_ih, weight_hh: [gates * hidden, in]) are linear
    // maps too, quantised per output row like a Linear's weight.
    const bool recurrent = dynamic_cast<const torch::nn::GRUCellImpl*>(&module) != nullptr ||
                           dynamic_cast<const torch::nn::LSTMCellImpl*>(&module) != nullptr ||
                           dynamic_cast<const torch::nn::RNNCellImpl*>(&module) != nullptr;
    const auto quantisable = [&](const std::string& key) {
        return linear ? key == "weight" : recurrent && key.rfind("weight_", 0) == 0;
    };
    auto write = [&](const std::string& key, const torch::Tensor& value, bool buffer) {
        const auto t = value.detach().to(torch::kCPU);
        ++stats.tensors;
        stats.floatBytes += t.is_floating_point() ? t.numel() * 4 : int64_t(t.nbytes());
        if (!t.is_floating_point() || dtype == WeightDType::Float32) {
            archive.write(key, t.contiguous(), buffer);
        } else if (dtype == WeightDType::BFloat16) {
            archive.write(key, t.to(torch::kBFloat16).contiguous(), buffer);
        } else if (dtype == WeightDType::Float16) {
            archive.write(key, t.to(torch::kFloat16).contiguous(), buffer);
        } else if (quantisable(key) && t.dim() == 2 && t.size(0) > 0 &&
                   !decidesRouting(path, t) && !archiveIsOutputHead(path)) {
            torch::Tensor q, scale;
            quantiseRows(t, &q, &scale);
            // Buffers, so that no loader mistakes the int8 matrix for a trainable parameter.
            archive.write(key, q, true);
            archive.write(key + kScaleSuffix, scale, true);
            ++stats.quantised;
        } else {
            archive.write(key, t.to(torch::kFloat32).contiguous(), buffer);
        }
    };
    for (const auto& p : module.named_parameters(false)) {
        write(p.key(), p.value(), false);
    }
    for (const auto& b : module.named_buffers(false)) {
        write(b.key(), b.value(), true);
    }
    for (const auto& c : module.named_children()) {
        torch::serialize::OutputArchive child(archive.compilation_unit());
        writeModule(*c.value(), child, dtype, stats, path + c.key() + ".");
        archive.write(c.key(), child);
    }
}

bool readInto(torch::serialize::InputArchive& archive, const std::string& prefix,
              const std::string& key, torch::Tensor& target, std::string* error) {
    torch::Tensor stored;
    if (!archive.try_read(key, stored)) {
        *error = "the archive has no tensor " + prefix + key + " (not an export of this model?)";
        return false;
    }
    if (stored.scalar_type() == torch::kInt8 && target.is_floating_point()) {
        torch::Tensor scale;
        if (!archive.try_read(key + kScaleSuffix, scale) || scale.dim() != 1 ||
            stored.dim() != 2 || scale.size(0) != stored.size(0)) {
            *error = "int8 tensor " + prefix + key + " has no matching per-row scale";
            return false;
        }
        stored = stored.to(torch::kFloat32) * scale.to(torch::kFloat32).unsqueeze(1);
    }
    if (stored.sizes() != target.sizes()) {
        *error = "tensor " + prefix + key + " has shape " + c10::str(stored.sizes()) +
                 "; the model expects " + c10::str(target.sizes());
        return false;
    }
    torch::NoGradGuard noGrad;
    target.copy_(stored.to(target.device(), target.scalar_type()));
    return true;
}

bool readModule(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                const std::string& prefix, std::string* error) {
    for (auto& p : module.named_parameters(false)) {
        if (!readInto(archive, prefix, p.key(), p.value(), error)) {
            return false;
        }
    }
    for (auto& b : module.named_buffers(false)) {
        if (!readInto(archive, prefix, b.key(), b.value(), error)) {
            return false;
        }
    }
    for (auto& c : module.named_children()) {
        torch::serialize::InputArchive child;
        if (!archive.try_read(c.key(), child)) {
            *error = "the archive has no part " + prefix + c.key() + " (not an export of this model?)";
            return false;
        }
        if (!readModule(*c.value(), child, prefix + c.key() + ".", error)) {
            return false;
        }
    }
    return true;
}

} // namespace

bool saveWeightArchive(const torch::nn::Module& module, const std::string& path,
                       WeightDType dtype, ArchiveStats* stats, std::string* error) {
    try {
        ArchiveStats s;
        torch::serialize::OutputArchive archive;
        writeModule(module, archive, dtype, s);
        // Written next to the target and renamed, so a reader never sees half a file.
        const std::string tmp = path + ".part";
        archive.save_to(tmp);
        std::filesystem::rename(tmp, path);
        if (stats) {
            *stats = s;
        }
        return true;
    } catch (const std::exception& e) {
        if (error) {
            *error = "cannot write " + path + ": " + e.what();
        }
        return false;
    }
}

bool loadWeightArchive(torch::nn::Module& module, const std::string& path, std::string* error) {
    std::string ignored;
    std::string& err = error ? *error : ignored;
    if (!std::filesystem::exists(path)) {
        err = "no weights file at " + path;
        return false;
    }
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path);
        return readModule(module, archive, "", &err);
    } catch (const std::exception& e) {
        err = "cannot read weights from " + path + ": " + e.what();
        return false;
    }
}

} // namespace mor::serve
