#include "model/encoder.h"

namespace mor::model {

EncoderImpl::EncoderImpl(const EncoderOptions& options_) : options(options_)
{
    reset();
}

void EncoderImpl::reset()
{
    torch::nn::Sequential net;
    const int64_t layers = std::max<int64_t>(options.layers(), 0);
    int64_t in = options.inputs();
    for (int64_t i = 0; i < std::max<int64_t>(layers, 1); ++i) {
        net->push_back(torch::nn::Linear(in, options.hidden()));
        if (layers > 0) {
            net->push_back(torch::nn::GELU());
            if (options.dropout() > 0.0) {
                net->push_back(torch::nn::Dropout(options.dropout()));
            }
        }
        in = options.hidden();
    }
    m_net = register_module("net", net);
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& x)
{
    return m_net->forward(x);
}

double EncoderImpl::flopsPerRow() const
{
    const double layers = double(std::max<int64_t>(options.layers(), 1));
    const double h = double(options.hidden());
    return 2.0 * double(options.inputs()) * h + (layers - 1.0) * 2.0 * h * h;
}

} // namespace mor::model
