#include "badge/secure_messaging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <memory>

#include "base/status_matchers.h"

namespace sekisho::badge {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

const Bytes kEnc = FromHex("2B7E151628AED2A6ABF7158809CF4F3C").value();
const Bytes kMac = FromHex("000102030405060708090A0B0C0D0E0F").value();

SmSession NewSession() { return SmSession::Create(SecretBytes(kEnc), SecretBytes(kMac)).value(); }

card::CommandApdu ReadBinary() {
  return {.cla = 0x00, .ins = 0xB0, .p1 = 0x00, .p2 = 0x00, .data = {}, .ne = 256};
}
card::CommandApdu GeneralAuthenticate() {
  return {.cla = 0x00,
          .ins = 0x86,
          .p1 = 0x00,
          .p2 = 0x00,
          .data = FromHex("7C 0A 80 08 0102030405060708").value(),
          .ne = 256};
}

TEST(IsoPadTest, KnownAnswers) {
  EXPECT_EQ(IsoPad({}), FromHex("80000000000000000000000000000000").value());
  EXPECT_EQ(IsoPad(Bytes{0x01, 0x02}), FromHex("01028000000000000000000000000000").value());
  const Bytes full(16, 0xAA);
  EXPECT_EQ(IsoPad(full).size(), 32u);
  for (const Bytes& data : {Bytes{}, Bytes{0x80}, Bytes(15, 0x00), full}) {
    auto back = IsoUnpad(IsoPad(data));
    ASSERT_THAT(back, IsOk());
    EXPECT_EQ(*back, data);
  }
  EXPECT_THAT(IsoUnpad(Bytes(16, 0x00)), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(IsoUnpad(Bytes(15, 0x80)), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(IsoUnpad({}), StatusIs(StatusCode::kInvalidArgument));
  Bytes no_marker(16, 0x11);
  EXPECT_THAT(IsoUnpad(no_marker), StatusIs(StatusCode::kInvalidArgument));
}

TEST(SmSessionTest, KeysMustBeAes128) {
  EXPECT_THAT(SmSession::Create(SecretBytes(Bytes(15)), SecretBytes(kMac)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(SmSession::Create(SecretBytes(kEnc), SecretBytes(Bytes(32))),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(SmSessionTest, CommandsAndResponsesRoundTripInOrder) {
  SmSession terminal = NewSession();
  SmSession card = NewSession();
  const card::CommandApdu commands[] = {
      {.cla = 0x00, .ins = 0x22, .p1 = 0x81, .p2 = 0xB6, .data = {}, .ne = std::nullopt},
      ReadBinary(),
      {.cla = 0x00,
       .ins = 0x2A,
       .p1 = 0x00,
       .p2 = 0xBE,
       .data = Bytes(300, 0x5A),
       .ne = std::nullopt},
      GeneralAuthenticate(),
  };
  for (const card::CommandApdu& command : commands) {
    auto wrapped = terminal.WrapCommand(command);
    ASSERT_THAT(wrapped, IsOk());
    EXPECT_EQ((*wrapped)[0] & 0x0C, 0x0C);
    auto plain = card.UnwrapCommand(*wrapped);
    ASSERT_THAT(plain, IsOk());
    EXPECT_EQ(*plain, command);
    const card::ResponseApdu response{.data = Bytes(command.ins, 0x42), .sw = 0x9000};
    auto protected_response = card.WrapResponse(response);
    ASSERT_THAT(protected_response, IsOk());
    auto back = terminal.UnwrapResponse(*protected_response);
    ASSERT_THAT(back, IsOk());
    EXPECT_EQ(*back, response);
  }
  // Command data never travels in clear.
  auto wrapped = terminal.WrapCommand(GeneralAuthenticate());
  ASSERT_THAT(wrapped, IsOk());
  const Bytes secret = FromHex("0102030405060708").value();
  EXPECT_EQ(std::search(wrapped->begin(), wrapped->end(), secret.begin(), secret.end()),
            wrapped->end());
}

TEST(SmSessionTest, ErrorStatusWordIsProtectedToo) {
  SmSession terminal = NewSession();
  SmSession card = NewSession();
  ASSERT_THAT(card.UnwrapCommand(terminal.WrapCommand(ReadBinary()).value()), IsOk());
  auto wrapped = card.WrapResponse(card::ResponseApdu{.data = {}, .sw = 0x6982});
  ASSERT_THAT(wrapped, IsOk());
  auto back = terminal.UnwrapResponse(*wrapped);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->sw, 0x6982);
  EXPECT_TRUE(back->data.empty());
}

TEST(SmSessionTest, EveryFlippedCommandBitIsRefused) {
  SmSession terminal = NewSession();
  const Bytes wrapped = terminal.WrapCommand(GeneralAuthenticate()).value();
  // Every bit but the outer Le byte: the expected length travels MACed in DO 97, the outer Le
  // only tells the reader to collect the protected response (ISO/IEC 7816-4 §10.4).
  for (std::size_t bit = 0; bit < (wrapped.size() - 1) * 8; ++bit) {
    Bytes bad = wrapped;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    SmSession card = NewSession();
    auto plain = card.UnwrapCommand(bad);
    EXPECT_FALSE(plain.ok()) << "bit " << bit;
    EXPECT_TRUE(card.broken());
  }
}

TEST(SmSessionTest, EveryFlippedResponseBitIsRefused) {
  SmSession card = NewSession();
  SmSession terminal0 = NewSession();
  ASSERT_THAT(card.UnwrapCommand(terminal0.WrapCommand(ReadBinary()).value()), IsOk());
  const Bytes response =
      card.WrapResponse(card::ResponseApdu{.data = Bytes(20, 0x33), .sw = 0x9000}).value();
  for (std::size_t bit = 0; bit < response.size() * 8; ++bit) {
    Bytes bad = response;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    SmSession terminal = NewSession();
    ASSERT_THAT(terminal.WrapCommand(ReadBinary()), IsOk());
    EXPECT_FALSE(terminal.UnwrapResponse(bad).ok()) << "bit " << bit;
  }
}

TEST(SmSessionTest, ReplayedCommandIsRefused) {
  SmSession terminal = NewSession();
  SmSession card = NewSession();
  const Bytes first = terminal.WrapCommand(GeneralAuthenticate()).value();
  ASSERT_THAT(card.UnwrapCommand(first), IsOk());
  ASSERT_THAT(card.WrapResponse(card::ResponseApdu{.data = {}, .sw = 0x9000}), IsOk());
  EXPECT_THAT(card.UnwrapCommand(first),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("replayed")));
  // The session is over: even the right next command is refused.
  ASSERT_THAT(terminal.UnwrapResponse(Bytes{0x90, 0x00}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(card.UnwrapCommand(first), StatusIs(StatusCode::kFailedPrecondition));
}

TEST(SmSessionTest, ReplayedResponseIsRefused) {
  SmSession terminal = NewSession();
  SmSession card = NewSession();
  ASSERT_THAT(card.UnwrapCommand(terminal.WrapCommand(ReadBinary()).value()), IsOk());
  const Bytes response =
      card.WrapResponse(card::ResponseApdu{.data = Bytes(4, 0x01), .sw = 0x9000}).value();
  ASSERT_THAT(terminal.UnwrapResponse(response), IsOk());
  ASSERT_THAT(card.UnwrapCommand(terminal.WrapCommand(ReadBinary()).value()), IsOk());
  EXPECT_THAT(terminal.UnwrapResponse(response), StatusIs(StatusCode::kUnauthenticated));
}

TEST(SmSessionTest, TruncatedCommandsAreRefused) {
  SmSession terminal = NewSession();
  const Bytes wrapped = terminal.WrapCommand(GeneralAuthenticate()).value();
  // Dropping only the outer Le byte leaves a complete protected command (see above).
  for (std::size_t n = 0; n + 1 < wrapped.size(); ++n) {
    SmSession card = NewSession();
    EXPECT_FALSE(card.UnwrapCommand(ByteView(wrapped).first(n)).ok()) << "length " << n;
  }
}

TEST(SmSessionTest, PlainCommandAndMissingMacAreInvalidArgument) {
  SmSession card = NewSession();
  EXPECT_THAT(card.UnwrapCommand(ReadBinary().Encode().value()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not protected")));
  SmSession card2 = NewSession();
  EXPECT_THAT(card2.UnwrapCommand(FromHex("0CB00000 03 970100 00").value()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("8E")));
}

// An independent build of a protected command (ECB for the IV, CBC, CMAC from OpenSSL directly)
// whose cryptogram decrypts to a block without ISO padding: the MAC verifies, the padding must not.
TEST(SmSessionTest, WrongPaddingIsRefused) {
  Bytes ssc(16, 0x00);
  ssc[15] = 0x01;
  auto aes = [](const EVP_CIPHER* cipher, ByteView iv, ByteView in) {
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        EVP_CIPHER_CTX_free);
    EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, kEnc.data(), iv.empty() ? nullptr : iv.data());
    EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
    Bytes out(in.size());
    int len = 0;
    EVP_EncryptUpdate(ctx.get(), out.data(), &len, in.data(), static_cast<int>(in.size()));
    return out;
  };
  const Bytes iv = aes(EVP_aes_128_ecb(), {}, ssc);
  const Bytes cryptogram = aes(EVP_aes_128_cbc(), iv, Bytes(16, 0x11));
  Bytes do87 = {0x87, 0x11, 0x01};
  Append(do87, cryptogram);
  Bytes mac_input = ssc;
  Append(mac_input, IsoPad(Bytes{0x0C, 0x2A, 0x00, 0xBE}));
  Append(mac_input, IsoPad(do87));
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "CMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char cipher_name[] = "AES-128-CBC";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher_name, 0),
      OSSL_PARAM_construct_end()};
  Bytes tag(16);
  std::size_t len = 0;
  EVP_MAC_init(ctx, kMac.data(), kMac.size(), params);
  EVP_MAC_update(ctx, mac_input.data(), mac_input.size());
  EVP_MAC_final(ctx, tag.data(), &len, tag.size());
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  Bytes data = do87;
  Append(data, Bytes{0x8E, 0x08});
  Append(data, ByteView(tag).first(8));
  const Bytes command =
      card::CommandApdu{.cla = 0x0C, .ins = 0x2A, .p1 = 0x00, .p2 = 0xBE, .data = data}
          .Encode()
          .value();
  SmSession card = NewSession();
  EXPECT_THAT(card.UnwrapCommand(command),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("padding")));

  // The same construction with proper padding is accepted: our MAC and cipher match OpenSSL's
  // primitives used directly.
  const Bytes good_cryptogram = aes(EVP_aes_128_cbc(), iv, IsoPad(Bytes(5, 0x11)));
  Bytes good87 = {0x87, 0x11, 0x01};
  Append(good87, good_cryptogram);
  SmSession terminal = NewSession();
  auto wrapped = terminal.WrapCommand(
      {.cla = 0x00, .ins = 0x2A, .p1 = 0x00, .p2 = 0xBE, .data = Bytes(5, 0x11)});
  ASSERT_THAT(wrapped, IsOk());
  EXPECT_TRUE(std::search(wrapped->begin(), wrapped->end(), good87.begin(), good87.end()) !=
              wrapped->end());
}

}  // namespace
}  // namespace sekisho::badge
