// The one file compiled against a particular verilated sf_board_core: adapts
// it to the Dut interface of board_cosim.h.
#include <memory>

#include "Vsf_board_core.h"
#include "board_cosim.h"
#include "verilated.h"

namespace {

class VerilatedBoardCore : public sf::board::cosim::Dut {
 public:
  VerilatedBoardCore(int argc, char** argv) {
    ctx_.commandArgs(argc, argv);
    model_ = std::make_unique<Vsf_board_core>(&ctx_);
    model_->clk = 0;
    model_->rst = 1;
    model_->uart_rxd = 1;
    model_->eval();
  }
  ~VerilatedBoardCore() override { model_->final(); }

  void set_rst(bool rst) override { model_->rst = rst; }
  void set_rxd(bool level) override { model_->uart_rxd = level; }
  void tick() override {
    model_->clk = 1;
    model_->eval();
    ctx_.timeInc(1);
    model_->clk = 0;
    model_->eval();
    ctx_.timeInc(1);
  }
  bool txd() const override { return model_->uart_txd; }
  bool status_error() const override { return model_->status_error; }

 private:
  VerilatedContext ctx_;
  std::unique_ptr<Vsf_board_core> model_;
};

}  // namespace

int main(int argc, char** argv) {
  VerilatedBoardCore dut(argc, argv);
  return sf::board::cosim::run_main(argc, argv, dut);
}
