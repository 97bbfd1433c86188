// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/checkpoint.h"

#include "engine/model_family.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace mor::engine {

std::string CheckpointState::toJson() const {
    nlohmann::json j{{"step", step},
                     {"evaluations", evaluations},
                     {"bad_evaluations", badEvaluations},
                     {"best_accuracy", bestAccuracy},
                     {"best_step", bestStep}};
    return j.dump();
}

CheckpointState CheckpointState::fromJson(const std::string& text) {
    CheckpointState s;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) {
        return s;
    }
    s.step = j.value("step", int64_t(0));
    s.evaluations = j.value("evaluations", int64_t(0));
    s.badEvaluations = j.value("bad_evaluations", int64_t(0));
    s.bestAccuracy = j.value("best_accuracy", -1.0);
    s.bestStep = j.value("best_step", int64_t(-1));
    return s;
}

std::string checkpointDirFor(const std::string& logPath, int64_t runId) {
    return logPath + ".checkpoints/run-" + std::to_string(runId);
}

std::string checkpointFile(const std::string& dir, int64_t step) {
    char name[64];
    std::snprintf(name, sizeof name, "step-%08lld.pt", static_cast<long long>(step));
    return dir + "/" + name;
}

std::string bestCheckpointFile(const std::string& dir) { return dir + "/best.pt"; }

const CheckpointInfo* pickCheckpoint(const std::vector<CheckpointInfo>& checkpoints,
                                     int64_t step) {
    const CheckpointInfo* pick = nullptr;
    for (const auto& c : checkpoints) {
        if ((step < 0 || c.step <= step) && (!pick || c.step >= pick->step)) {
            pick = &c;
        }
    }
    return pick;
}

std::string bestCheckpointOf(const std::vector<CheckpointInfo>& checkpoints) {
    const CheckpointInfo* last = pickCheckpoint(checkpoints, -1);
    if (!last) {
        return {};
    }
    const std::string best =
        bestCheckpointFile(std::filesystem::path(last->path).parent_path().string());
    std::error_code ec;
    return std::filesystem::exists(best, ec) ? best : std::string();
}

namespace {

/// torch::nn::Module::load, but by name and tolerant of the buffers `mayBeMissing` accepts.
void readModule(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                const std::string& where, const BufferFilter& mayBeMissing) {
    for (auto& p : module.named_parameters(/*recurse=*/false)) {
        if (!archive.try_read(p.key(), p.value())) {
            throw std::runtime_error("no parameter " + where + p.key());
        }
    }
    for (auto& b : module.named_buffers(/*recurse=*/false)) {
        if (!archive.try_read(b.key(), b.value(), /*is_buffer=*/true) &&
            !(mayBeMissing && mayBeMissing(b.key()))) {
            throw std::runtime_error("no buffer " + where + b.key());
        }
    }
    for (auto& child : module.named_children()) {
        torch::serialize::InputArchive childArchive;
        if (!archive.try_read(child.key(), childArchive)) {
            throw std::runtime_error("no module " + where + child.key());
        }
        readModule(*child.value(), childArchive, where + child.key() + ".", mayBeMissing);
    }
}

bool replaceFile(const std::string& tmp, const std::string& path, std::string* error) {
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        if (error) {
            *error = "cannot write checkpoint " + path + ": " + ec.message();
        }
        return false;
    }
    return true;
}

/// Writes `archive` to path + ".tmp" and renames it over `path` (a reader never sees a partial
/// file): the synchronous saveModule and the CheckpointWriter thread both write this way.
bool saveArchiveAtomically(torch::serialize::OutputArchive& archive, const std::string& path,
                           std::string* error) {
    const std::string tmp = path + ".tmp";
    archive.save_to(tmp);
    return replaceFile(tmp, path, error);
}

} // namespace

bool writeFileAtomically(const std::string& path, const std::string& text, std::string* error) {
    {
        std::ofstream out(path + ".tmp", std::ios::binary);
        out << text;
        out.close();
        if (!out) {
            if (error) {
                *error = "cannot write " + path;
            }
            return false;
        }
    }
    return replaceFile(path + ".tmp", path, error);
}

bool saveModule(const std::string& path, torch::nn::Module& module,
                torch::optim::Optimizer* optimizer, std::string* error) {
    try {
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        if (optimizer) {
            torch::serialize::OutputArchive archive;
            optimizer->save(archive);
            if (!saveArchiveAtomically(archive, path + ".optim", error)) {
                return false;
            }
        }
        torch::serialize::OutputArchive archive;
        module.save(archive);
        return saveArchiveAtomically(archive, path, error);
    } catch (const std::exception& e) {
        if (error) {
            *error = "cannot write checkpoint " + path + ": " + e.what();
        }
        return false;
    }
}

bool loadModule(const std::string& path, torch::nn::Module& module,
                torch::optim::Optimizer* optimizer, const BufferFilter& mayBeMissing,
                std::string* error) {
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path);
        readModule(module, archive, "", mayBeMissing);
        if (optimizer && std::filesystem::exists(path + ".optim")) {
            torch::serialize::InputArchive optim;
            optim.load_from(path + ".optim");
            optimizer->load(optim);
        }
        return true;
    } catch (const std::exception& e) {
        if (error) {
            *error = "cannot read checkpoint " + path + " (does it belong to this config?): " +
                     e.what();
        }
        return false;
    }
}

bool saveCheckpoint(const std::string& path, ModelFamily& family,
                    torch::optim::Optimizer* optimizer, std::string* error) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    return family.saveState(path, error) && saveModule(path, family.module(), optimizer, error);
}

bool loadCheckpoint(const std::string& path, ModelFamily& family,
                    torch::optim::Optimizer* optimizer, std::string* error) {
    const auto filter = [&family](const std::string& name) {
        return family.bufferMayBeMissing(name);
    };
    return loadModule(path, family.module(), optimizer, filter, error) &&
           family.loadState(path, error);
}

} // namespace mor::engine

// ---- CheckpointWriter ----------------------------------------------------------------------

namespace mor::engine {

namespace checkpoint_detail {
/// The weights of a module tree as Module::save writes them, copied.
struct ModuleCopy {
    std::vector<std::pair<std::string, torch::Tensor>> parameters, buffers;
    std::vector<std::string> childNames;
    std::vector<ModuleCopy> children;
};
} // namespace checkpoint_detail

namespace {

using checkpoint_detail::ModuleCopy;

/// A copy of `t` with its own storage. Called under NoGradGuard (no graph, no detach needed).
/// A contiguous CPU tensor is copied by one memcpy into a fresh tensor: detach + clone() went
/// through three dispatched ops and a TensorIterator per tensor; the memcpy takes ~40% off the
/// training thread's time per checkpoint for a model of many small tensors (issue 20, session 17).
torch::Tensor copyTensor(const torch::Tensor& t) {
    if (!t.defined()) {
        return t;
    }
    torch::Tensor copy;
    if (t.device().is_cpu() && t.layout() == torch::kStrided && !t.is_quantized() &&
        !t.is_conj() && !t.is_neg() && t.is_contiguous()) {
        copy = torch::empty(t.sizes(), t.options().requires_grad(false));
        if (t.numel() > 0) {
            std::memcpy(copy.data_ptr(), t.data_ptr(), t.nbytes());
        }
    } else {
        copy = t.clone();
    }
    if (t.requires_grad()) {
        copy.requires_grad_(true); // as the parameter is written (a leaf, no graph)
    }
    return copy;
}

ModuleCopy copyModule(const torch::nn::Module& module) {
    ModuleCopy c;
    for (const auto& p : module.named_parameters(/*recurse=*/false)) {
        c.parameters.emplace_back(p.key(), copyTensor(p.value()));
    }
    for (const auto& b : module.named_buffers(/*recurse=*/false)) {
        c.buffers.emplace_back(b.key(), copyTensor(b.value()));
    }
    for (const auto& child : module.named_children()) {
        if (child.value()->is_serializable()) {
            c.childNames.push_back(child.key());
            c.children.push_back(copyModule(*child.value()));
        }
    }
    return c;
}

/// torch::nn::Module::save of the copy: the same archive layout.
void writeModuleCopy(torch::serialize::OutputArchive& archive, const ModuleCopy& c) {
    for (const auto& [name, t] : c.parameters) {
        archive.write(name, t);
    }
    for (const auto& [name, t] : c.buffers) {
        archive.write(name, t, /*is_buffer=*/true);
    }
    for (size_t i = 0; i < c.children.size(); ++i) {
        torch::serialize::OutputArchive child(archive.compilation_unit());
        writeModuleCopy(child, c.children[i]);
        archive.write(c.childNames[i], child);
    }
}

/// An optimizer of the same kind over the same parameters whose state is a copy of
/// `optimizer`'s (its save() writes what optimizer->save() would have written when copied);
/// nullptr for kinds it does not know.
std::unique_ptr<torch::optim::Optimizer> copyOptimizer(const torch::optim::Optimizer& optimizer) {
    using namespace torch::optim;
    if (dynamic_cast<const AdamW*>(&optimizer)) {
        auto copy = std::make_unique<AdamW>(
            optimizer.param_groups(), static_cast<const AdamWOptions&>(optimizer.defaults()));
        for (const auto& [key, state] : optimizer.state()) {
            auto s = std::make_unique<AdamWParamState>(static_cast<const AdamWParamState&>(*state));
            s->exp_avg(copyTensor(s->exp_avg()));
            s->exp_avg_sq(copyTensor(s->exp_avg_sq()));
            s->max_exp_avg_sq(copyTensor(s->max_exp_avg_sq()));
            copy->state()[key] = std::move(s);
        }
        return copy;
    }
    if (dynamic_cast<const SGD*>(&optimizer)) {
        auto copy = std::make_unique<SGD>(optimizer.param_groups(),
                                          static_cast<const SGDOptions&>(optimizer.defaults()));
        for (const auto& [key, state] : optimizer.state()) {
            auto s = std::make_unique<SGDParamState>(static_cast<const SGDParamState&>(*state));
            s->momentum_buffer(copyTensor(s->momentum_buffer()));
            copy->state()[key] = std::move(s);
        }
        return copy;
    }
    return nullptr;
}

/// `to` becomes the file `from` is (a hard link; a copy of its bytes where the file system has
/// no links), put in place by a rename like every checkpoint file. best.pt is always the step
/// checkpoint written with it: linking it costs no second serialisation of the weights and no
/// second write of their bytes (issue 20, session 17: that was about a quarter of the writer
/// thread's time for a checkpoint that was also the best). Checkpoint files are only ever replaced by a rename, never rewritten in
/// place, so the two names cannot drift apart; the archive's inner folder name (torch takes it
/// from the file name) is the step file's, which readers ignore.
bool shareFileAtomically(const std::string& from, const std::string& to, std::string* error) {
    const std::string tmp = to + ".tmp";
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    ec.clear();
    std::filesystem::create_hard_link(from, tmp, ec);
    if (ec) {
        ec.clear();
        std::filesystem::copy_file(from, tmp, std::filesystem::copy_options::overwrite_existing,
                                   ec);
        if (ec) {
            std::error_code ignored;
            std::filesystem::remove(tmp, ignored);
            if (error) {
                *error = "cannot write checkpoint " + to + ": " + ec.message();
            }
            return false;
        }
    }
    return replaceFile(tmp, to, error);
}

void saveArchive(torch::serialize::OutputArchive& archive, const std::string& path) {
    std::string error;
    if (!saveArchiveAtomically(archive, path, &error)) {
        throw std::runtime_error(error);
    }
}

} // namespace

struct CheckpointWriter::Job {
    CheckpointWriter::Written written;
    ModuleCopy weights;
    std::unique_ptr<torch::optim::Optimizer> optimizer; ///< the copy; null: none
    CheckpointWriter::Done done;
};

CheckpointWriter::CheckpointWriter() = default;

CheckpointWriter::~CheckpointWriter() {
    wait();
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

bool CheckpointWriter::save(const std::string& path, const std::string& bestPath,
                            ModelFamily& family, torch::optim::Optimizer* optimizer, Done done,
                            std::string* error) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    if (!family.saveState(path, error)) {
        return false;
    }
    auto job = std::make_unique<Job>();
    job->written.path = path;
    if (!bestPath.empty()) {
        std::string bestError;
        if (family.saveState(bestPath, &bestError)) {
            job->written.bestPath = bestPath;
        } else {
            job->written.bestOk = false;
            job->written.error = bestError;
        }
    }
    job->done = std::move(done);
    try {
        torch::NoGradGuard noGrad;
        if (optimizer) {
            job->optimizer = copyOptimizer(*optimizer);
        }
        if (optimizer && !job->optimizer) {
            // A kind of optimizer this writer cannot copy: write it all now, in queue order
            // (after the queued ones; their results stay for wait()).
            std::unique_lock<std::mutex> lock(m_mutex);
            m_changed.wait(lock, [&] { return m_jobs.empty() && !m_busy; });
            Written w = job->written;
            w.ok = saveModule(path, family.module(), optimizer, &w.error);
            if (!w.bestPath.empty()) {
                w.bestOk = w.ok && shareFileAtomically(path, w.bestPath, &w.error);
            }
            m_written.push_back(w);
            if (job->done) {
                job->done(w);
            }
            return true;
        }
        job->weights = copyModule(family.module());
    } catch (const std::exception& e) { // e.g. no memory for the copies: nothing is queued
        if (error) {
            *error = "cannot write checkpoint " + path + ": " + e.what();
        }
        return false;
    }
    std::unique_lock<std::mutex> lock(m_mutex);
    // At most one more checkpoint waits behind the one being written (each holds a copy).
    m_changed.wait(lock, [&] { return m_jobs.empty(); });
    m_jobs.push_back(std::move(job));
    if (!m_thread.joinable()) {
        m_thread = std::thread([this] { threadMain(); });
    }
    m_changed.notify_all();
    return true;
}

std::vector<CheckpointWriter::Written> CheckpointWriter::wait() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_changed.wait(lock, [&] { return m_jobs.empty() && !m_busy; });
    std::vector<Written> written;
    written.swap(m_written);
    return written;
}

void CheckpointWriter::waitFor(const std::string& file) {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_changed.wait(lock, [&] {
        if (m_busy && (m_busyPath == file || m_busyBestPath == file)) {
            return false;
        }
        for (const auto& job : m_jobs) {
            if (job->written.path == file || job->written.bestPath == file) {
                return false;
            }
        }
        return true;
    });
}

void CheckpointWriter::threadMain() {
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_changed.wait(lock, [&] { return m_stop || !m_jobs.empty(); });
        if (m_jobs.empty()) {
            return; // stopped
        }
        std::unique_ptr<Job> job = std::move(m_jobs.front());
        m_jobs.pop_front();
        m_busy = true;
        m_busyPath = job->written.path;
        m_busyBestPath = job->written.bestPath;
        lock.unlock();
        m_changed.notify_all(); // a producer waiting for room
        Written w = std::move(job->written);
        try {
            if (job->optimizer) {
                torch::serialize::OutputArchive optim;
                job->optimizer->save(optim);
                saveArchive(optim, w.path + ".optim");
            }
            torch::serialize::OutputArchive weights;
            writeModuleCopy(weights, job->weights);
            saveArchive(weights, w.path);
            if (!w.bestPath.empty() && !shareFileAtomically(w.path, w.bestPath, &w.error)) {
                w.bestOk = false;
            }
        } catch (const std::exception& e) {
            w.ok = false;
            w.bestOk = w.bestPath.empty() && w.bestOk;
            w.error = std::string(e.what()).rfind("cannot write", 0) == 0
                          ? e.what()
                          : "cannot write checkpoint " + w.path + ": " + e.what();
        }
        if (job->done) {
            job->done(w);
        }
        job.reset(); // the copies go before the next one is taken
        lock.lock();
        m_written.push_back(w);
        m_busy = false;
        m_changed.notify_all();
    }
}

} // namespace mor::engine
