// cmake/pch.h plus the test framework, precompiled once for every test binary (SEKISHO_PCH).
#include "cmake/pch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
