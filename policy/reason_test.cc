#include "policy/reason.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

namespace sekisho::policy {
namespace {

// The numeric values and names are part of the event format and the API: pinned here, so a
// renumbering or a renamed reason fails a test instead of silently changing recorded events.
struct PinnedReason {
  int value;
  std::string_view name;
};
constexpr PinnedReason kPinned[] = {
    {0, "granted"},
    {1, "granted-anti-passback-soft"},
    {2, "granted-override"},
    {3, "granted-second-person"},
    {16, "unknown-credential"},
    {17, "revoked"},
    {18, "expired"},
    {19, "not-yet-valid"},
    {20, "no-access-level"},
    {21, "outside-schedule"},
    {22, "denied-by-rule"},
    {23, "insufficient-assurance"},
    {24, "lockdown"},
    {25, "anti-passback"},
    {26, "awaiting-second-person"},
    {27, "awaiting-first-person-in"},
    {28, "unknown-door"},
    {48, "authentication-failed"},
    {49, "pin-refused"},
    {50, "card-error"},
    {51, "no-snapshot"},
    {52, "internal-error"},
};

TEST(ReasonTest, ValuesAndNamesArePinned) {
  ASSERT_EQ(std::size(kPinned), std::size(kAllReasons));
  for (std::size_t i = 0; i < std::size(kPinned); ++i) {
    EXPECT_EQ(static_cast<int>(kAllReasons[i]), kPinned[i].value) << "index " << i;
    EXPECT_EQ(ReasonName(static_cast<Reason>(kPinned[i].value)), kPinned[i].name);
  }
}

TEST(ReasonTest, NamesAreUniqueKebabCase) {
  std::set<std::string_view> names;
  for (Reason reason : kAllReasons) {
    const std::string_view name = ReasonName(reason);
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
    ASSERT_FALSE(name.empty());
    EXPECT_NE(name, "unknown-reason");
    EXPECT_TRUE(std::islower(static_cast<unsigned char>(name.front()))) << name;
    EXPECT_NE(name.back(), '-') << name;
    EXPECT_EQ(name.find("--"), std::string_view::npos) << name;
    for (char c : name) {
      EXPECT_TRUE(std::islower(static_cast<unsigned char>(c)) || c == '-') << name;
    }
  }
}

// Every value that has a name is in kAllReasons, and kAllReasons has no duplicates: a reason
// appended to the enum without being added to the table (or named) fails here.
TEST(ReasonTest, AllReasonsListsEveryNamedValueOnce) {
  std::set<int> listed;
  for (Reason reason : kAllReasons) {
    EXPECT_TRUE(listed.insert(static_cast<int>(reason)).second);
  }
  for (int value = 0; value < 256; ++value) {
    const bool named = ReasonName(static_cast<Reason>(value)) != "unknown-reason";
    EXPECT_EQ(named, listed.count(value) == 1) << "value " << value;
  }
}

TEST(ReasonTest, IsGrantOnlyForGrantedReasons) {
  for (Reason reason : kAllReasons) {
    const bool granted_name = ReasonName(reason).starts_with("granted");
    EXPECT_EQ(IsGrant(reason), granted_name) << ReasonName(reason);
  }
}

}  // namespace
}  // namespace sekisho::policy
