// SecretBytes: a buffer for PINs and keys that is wiped (OPENSSL_cleanse) when it dies.
//
// Not copyable, so a secret has one owner and one place where it is wiped. Never log it.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/bytes.h"

namespace sekisho {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string_view text);
  explicit SecretBytes(ByteView bytes);
  ~SecretBytes();
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;

  ByteView view() const { return bytes_; }
  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  // Overwrites the contents with zeros and empties the buffer.
  void Wipe();

 private:
  std::vector<std::uint8_t> bytes_;
};

// Wipes any buffer that held a secret in transit (an APDU carrying a PIN, say).
void WipeBytes(Bytes& bytes);

}  // namespace sekisho
