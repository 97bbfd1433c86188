#include "model/encoder.h"

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
    return m_net.is_empty() ? x : m_net->forward(x);
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
