#include "net/http_status.h"

#include <gtest/gtest.h>

namespace sekisho::net {
namespace {

TEST(HttpStatusForRefusalTest, CoversEveryCode) {
  for (StatusCode code : kAllStatusCodes) {
    int expected = 503;
    if (code == StatusCode::kUnauthenticated) expected = 401;
    if (code == StatusCode::kPermissionDenied) expected = 403;
    if (code == StatusCode::kNotFound) expected = 404;
    if (code == StatusCode::kInvalidArgument) expected = 400;
    EXPECT_EQ(HttpStatusForRefusal(code), expected) << StatusCodeName(code);
  }
}

TEST(StatusCodeForHttpStatusTest, RoundTripsTheRefusalStatuses) {
  for (StatusCode code : {StatusCode::kUnauthenticated, StatusCode::kPermissionDenied,
                          StatusCode::kNotFound, StatusCode::kInvalidArgument}) {
    EXPECT_EQ(StatusCodeForHttpStatus(HttpStatusForRefusal(code)), code) << StatusCodeName(code);
  }
  EXPECT_EQ(StatusCodeForHttpStatus(HttpStatusForRefusal(StatusCode::kInternal)),
            StatusCode::kUnavailable);
}

TEST(StatusCodeForHttpStatusTest, MapsOtherStatuses) {
  EXPECT_EQ(StatusCodeForHttpStatus(200), StatusCode::kOk);
  EXPECT_EQ(StatusCodeForHttpStatus(204), StatusCode::kOk);
  EXPECT_EQ(StatusCodeForHttpStatus(413), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForHttpStatus(431), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForHttpStatus(408), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(StatusCodeForHttpStatus(504), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(StatusCodeForHttpStatus(409), StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusCodeForHttpStatus(429), StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusCodeForHttpStatus(500), StatusCode::kInternal);
  EXPECT_EQ(StatusCodeForHttpStatus(502), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForHttpStatus(503), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForHttpStatus(301), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForHttpStatus(101), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace sekisho::net
