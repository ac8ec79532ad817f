// Elaboration checks of verilated lanes: a module whose parameters are out of
// range must report one $error and $finish while it elaborates; a legal one must
// run without a word. Shared by the neuron-lane tests.
#pragma once

#include <gtest/gtest.h>
#include <verilated.h>

#include <memory>

namespace sf::test {

// Elaborates Model once; with `must_reject`, expects exactly one $error and a
// $finish, otherwise neither.
template <class Model>
void expect_elaboration(bool must_reject) {
  auto ctx = std::make_unique<VerilatedContext>();
  // Let $error count instead of stopping, so that the $finish after it is what ends the run
  // (the default would print and exit the whole test program).
  ctx->fatalOnError(false);
  ctx->errorLimit(2);
  auto m = std::make_unique<Model>(ctx.get());
  m->eval();
  EXPECT_EQ(ctx->errorCount(), must_reject ? 1 : 0);
  EXPECT_EQ(ctx->gotFinish(), must_reject);
  m->final();
}

}  // namespace sf::test
