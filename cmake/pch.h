// The library headers nearly every translation unit includes, precompiled once per build when
// SEKISHO_PCH is on (cmake/pch.cmake). Parsing them is most of a typical file's compile time.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
