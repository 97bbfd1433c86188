#pragma once
// Recurrent cells of a reflection expert: s_t = Cell(s_{t-1}, input_t). The same weights are used
// at every iteration (weight tying), so depth adds no parameters.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>

namespace mor::model {

struct CellOptions {
    CellOptions(int64_t inputs, int64_t width) : inputs_(inputs), width_(width) {}
    TORCH_ARG(int64_t, inputs);
    TORCH_ARG(int64_t, width);
    TORCH_ARG(int64_t, tokens) = 4; ///< transformer: the state is this many tokens of width/tokens
};

/// Common interface of the cells.
class ReflectionCellImpl : public torch::nn::Module {
public:
    /// state [n, width], input [n, inputs] -> new state [n, width]
    virtual torch::Tensor forward(const torch::Tensor& state, const torch::Tensor& input) = 0;
    /// Multiply-add FLOPs of one row and one iteration.
    virtual double flopsPerRow() const = 0;
};

/// s' = LayerNorm(s + W2 gelu(W1 [s, input]))
class ResidualMlpCellImpl : public ReflectionCellImpl {
public:
    explicit ResidualMlpCellImpl(const CellOptions& options);
    torch::Tensor forward(const torch::Tensor& state, const torch::Tensor& input) override;
    double flopsPerRow() const override;
    CellOptions options;

private:
    torch::nn::Linear m_in{nullptr};
    torch::nn::Linear m_out{nullptr};
    torch::nn::LayerNorm m_norm{nullptr};
};

/// A GRU cell.
class GruCellImpl : public ReflectionCellImpl {
public:
    explicit GruCellImpl(const CellOptions& options);
    torch::Tensor forward(const torch::Tensor& state, const torch::Tensor& input) override;
    double flopsPerRow() const override;
    /// The GRU itself (its weight_ih, bias_ih, weight_hh, bias_hh): for the fused evaluation step,
    /// which reads them on every reflection (named_parameters() builds a dictionary each call).
    const torch::nn::GRUCell& gru() const { return m_gru; }
    CellOptions options;

private:
    torch::nn::GRUCell m_gru{nullptr};
};

/// One pre-norm transformer block over the state split into tokens plus one input token; the
/// state tokens it outputs are the new state.
class TransformerCellImpl : public ReflectionCellImpl {
public:
    explicit TransformerCellImpl(const CellOptions& options);
    torch::Tensor forward(const torch::Tensor& state, const torch::Tensor& input) override;
    double flopsPerRow() const override;
    CellOptions options;

private:
    int64_t m_tokens = 1;
    int64_t m_dim = 1;
    torch::nn::Linear m_inputToken{nullptr};
    torch::nn::LayerNorm m_norm1{nullptr};
    torch::nn::Linear m_qkv{nullptr};
    torch::nn::Linear m_proj{nullptr};
    torch::nn::LayerNorm m_norm2{nullptr};
    torch::nn::Linear m_ff1{nullptr};
    torch::nn::Linear m_ff2{nullptr};
};

/// "mlp" | "gru" | "transformer"; throws std::invalid_argument naming the field otherwise.
std::shared_ptr<ReflectionCellImpl> makeCell(const std::string& kind, const CellOptions& options);

} // namespace mor::model
