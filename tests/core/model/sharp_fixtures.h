#pragma once
// Untrained test models made "sharp" so that the paths under test see varied values: critiques
// and halting lambdas spread (rows halt at different steps), experts' answers are peaked and
// some disagree, routing varies. Shared by the fused-step and fast-path tests.
#include "model/mor_model.h"
#include "model/reflection_expert.h"

#include <torch/torch.h>

#include <string>

namespace sharp_fixture {

/// A reflection expert's critic (x6) and halting head (x8, bias -1) scaled up; in eval mode.
inline void sharpenExpert(mor::model::ReflectionExpert& expert)
{
    torch::NoGradGuard noGrad;
    auto parameters = expert->named_parameters();
    parameters["critic2.weight"].mul_(6.0);
    parameters["halt.weight"].mul_(8.0);
    parameters["halt.bias"].fill_(-1.0);
    expert->eval();
}

/// Every expert's critic and head, and the router, of a model scaled x6; in eval mode.
inline void sharpenModel(mor::model::MoRModel& model)
{
    torch::NoGradGuard noGrad;
    for (auto& p : model->named_parameters()) {
        if (p.key().find("critic2.weight") != std::string::npos ||
            p.key().find("head.weight") != std::string::npos ||
            p.key().find("router") != std::string::npos) {
            p.value().mul_(6.0);
        }
    }
    model->eval();
}

} // namespace sharp_fixture
