#include "model/encoder.h"

#include "model/answer_only.h"

namespace mor::model {

EncoderImpl::EncoderImpl(const EncoderOptions& options_) : options(options_)
{
    reset();
}

void EncoderImpl::reset()
{
    if (options.layers() <= 0) {
        return; // identity: e = x
    }
    torch::nn::Sequential net;
    int64_t in = options.inputs();
    for (int64_t i = 0; i < options.layers(); ++i) {
        net->push_back(torch::nn::Linear(in, options.hidden()));
        net->push_back(torch::nn::GELU());
        if (options.dropout() > 0.0) {
            net->push_back(torch::nn::Dropout(options.dropout()));
        }
        in = options.hidden();
    }
    m_net = register_module("net", net);
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& x)
{
    if (m_net.is_empty()) {
        return x;
    }
    if (torch::GradMode::is_enabled()) {
        return m_net->forward(x);
    }
    // Without autograd the layers one by one, each exact GELU over its linear layer's fresh
    // output in place, without oneDNN (answer_only.h, geluWithoutAutograd).
    auto h = x;
    bool fresh = false; // h is a linear layer's output, no other tensor's storage
    for (auto& layer : *m_net) {
        const auto* gelu = layer.ptr()->as<torch::nn::GELUImpl>();
        const bool inPlace = fresh && gelu != nullptr && gelu->options.approximate() == "none";
        h = inPlace ? geluWithoutAutograd(h) : layer.forward<torch::Tensor>(h);
        fresh = layer.ptr()->as<torch::nn::LinearImpl>() != nullptr;
    }
    return h;
}

double EncoderImpl::flopsPerRow() const
{
    if (options.layers() <= 0) {
        return 0.0;
    }
    const double layers = double(options.layers());
    const double h = double(options.hidden());
    return 2.0 * double(options.inputs()) * h + (layers - 1.0) * 2.0 * h * h;
}

int64_t EncoderImpl::outputs() const
{
    return options.layers() <= 0 ? options.inputs() : options.hidden();
}

} // namespace mor::model
