#include "gate/scripted_keypad.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::gate {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

TEST(ScriptedKeypadTest, PlaysTheScriptInOrder) {
  ScriptedKeypad keypad;
  keypad.AddPin("1234");
  keypad.AddCancel();
  keypad.AddFailure(UnavailableError("keypad unplugged"));
  EXPECT_EQ(keypad.remaining(), 3u);

  auto pin = keypad.ReadPin();
  ASSERT_THAT(pin.status(), IsOk());
  ASSERT_TRUE(pin->has_value());
  EXPECT_EQ(ToString((*pin)->view()), "1234");
  auto cancelled = keypad.ReadPin();
  ASSERT_THAT(cancelled.status(), IsOk());
  EXPECT_FALSE(cancelled->has_value());
  EXPECT_THAT(keypad.ReadPin(), StatusIs(StatusCode::kUnavailable, "keypad unplugged"));
  EXPECT_THAT(keypad.ReadPin(),
              StatusIs(StatusCode::kDeadlineExceeded, "nothing typed on the keypad"));
  EXPECT_EQ(keypad.reads(), 4);
  EXPECT_EQ(keypad.remaining(), 0u);
}

}  // namespace
}  // namespace sekisho::gate
