#include "pki/crl_check.h"

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <functional>
#include <limits>

#include "base/random.h"
#include "base/status_matchers.h"
#include "identity/pseudonym.h"
#include "pki/test_fixtures.h"

namespace sekisho::pki {
namespace {

using ::sekisho::pki::testing::HolderKey;
using ::sekisho::pki::testing::JpkiAuthRootName;
using ::sekisho::pki::testing::JpkiDnPki;
using ::sekisho::pki::testing::kDay;
using ::sekisho::pki::testing::kTestNow;
using ::sekisho::pki::testing::MakeSelfSigned;
using ::sekisho::pki::testing::SharedTestPki;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr auto kNextUpdate = kTestNow + 30 * kDay;  // 2026-01-31T00:00:00Z

Crl AuthCrl(const TestPki& pki, std::span<const Bytes> serials = {}) {
  Result<Crl> crl = MakeCrl(*pki.auth_ca_key, pki.auth_ca, serials, kTestNow, kNextUpdate);
  EXPECT_THAT(crl, IsOk());
  return std::move(crl).value();
}

TrustAnchorSet Anchors(std::initializer_list<const Certificate*> roots) {
  TrustAnchorSet set;
  for (const Certificate* root : roots) EXPECT_THAT(set.Add(root->Clone(), ""), IsOk());
  return set;
}

// `crl` changed by `modify`, then signed again with `key`.
Crl Resigned(const Crl& crl, const EVP_PKEY& key, const std::function<void(X509_CRL*)>& modify) {
  X509CrlPtr copy(X509_CRL_dup(crl.get()));
  EXPECT_NE(copy, nullptr);
  modify(copy.get());
  EXPECT_GT(X509_CRL_sign(copy.get(), const_cast<EVP_PKEY*>(&key), EVP_sha256()), 0);
  unsigned char* der = nullptr;
  const int size = i2d_X509_CRL(copy.get(), &der);
  EXPECT_GT(size, 0);
  Bytes encoded(der, der + size);
  OPENSSL_free(der);
  Result<Crl> out = Crl::FromDer(encoded);
  EXPECT_THAT(out, IsOk());
  return std::move(out).value();
}

void AddIdp(X509_CRL* crl, const std::function<void(ISSUING_DIST_POINT*)>& set_scope) {
  OpenSslPtr<ISSUING_DIST_POINT, ISSUING_DIST_POINT_free> idp(ISSUING_DIST_POINT_new());
  set_scope(idp.get());
  EXPECT_EQ(X509_CRL_add1_ext_i2d(crl, NID_issuing_distribution_point, idp.get(), 1, 0), 1);
}

// A critical extension with an OID no one handles.
X509ExtensionPtr UnknownCritical() {
  Asn1ObjectPtr oid(OBJ_txt2obj("1.2.3.4.5.6.7", 1));
  OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> value(ASN1_OCTET_STRING_new());
  EXPECT_EQ(
      ASN1_OCTET_STRING_set(value.get(), reinterpret_cast<const unsigned char*>("\x05\x00"), 2), 1);
  return X509ExtensionPtr(X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 1, value.get()));
}

TEST(CheckCrlTest, AcceptsACurrentCrlOfAnAnchor) {
  const TestPki& pki = SharedTestPki();
  const TrustAnchorSet anchors = Anchors({&pki.auth_ca});
  const Crl crl = AuthCrl(pki);
  EXPECT_THAT(CheckCrl(crl, anchors, kTestNow), IsOk());
  EXPECT_THAT(CheckCrl(crl, anchors, kTestNow + kDay), IsOk());
  EXPECT_THAT(CheckCrl(crl, anchors, kNextUpdate), IsOk());  // nextUpdate itself is still current
}

TEST(CheckCrlTest, Freshness) {
  const TestPki& pki = SharedTestPki();
  const TrustAnchorSet anchors = Anchors({&pki.auth_ca});
  const Crl crl = AuthCrl(pki);
  EXPECT_THAT(CheckCrl(crl, anchors, kTestNow - std::chrono::seconds(1)),
              StatusIs(StatusCode::kFailedPrecondition,
                       "CRL check: CRL not yet valid (thisUpdate 2026-01-01T00:00:00Z, now "
                       "2025-12-31T23:59:59Z): check the clock"));
  EXPECT_THAT(CheckCrl(crl, anchors, kNextUpdate + std::chrono::seconds(1)),
              StatusIs(StatusCode::kFailedPrecondition,
                       "CRL check: CRL expired at 2026-01-31T00:00:00Z (nextUpdate): get a "
                       "current CRL"));
  const std::chrono::seconds hour(3600);
  EXPECT_THAT(CheckCrl(crl, anchors, kNextUpdate + hour, hour), IsOk());
  EXPECT_THAT(CheckCrl(crl, anchors, kNextUpdate + hour + std::chrono::seconds(1), hour),
              StatusIs(StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("CRL expired at 2026-01-31T00:00:00Z (nextUpdate)"),
                             HasSubstr("grace of 3600 s has passed"))));
  // A grace beyond any time_point's range does not overflow.
  EXPECT_THAT(CheckCrl(crl, anchors, kNextUpdate + 3650 * kDay,
                       std::chrono::seconds(std::numeric_limits<std::int64_t>::max())),
              IsOk());
  EXPECT_THAT(CheckCrl(crl, anchors, kTestNow, std::chrono::seconds(-1)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("negative grace")));
  EXPECT_THAT(CheckCrl(crl, TrustAnchorSet(), kTestNow),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no trust anchors")));
}

TEST(CheckCrlTest, TheSignerIsFoundByKey) {
  const TrustAnchorSet both = Anchors({&JpkiDnPki(1).auth_ca, &JpkiDnPki(2).auth_ca});
  EXPECT_THAT(CheckCrl(AuthCrl(JpkiDnPki(1)), both, kTestNow), IsOk());
  EXPECT_THAT(CheckCrl(AuthCrl(JpkiDnPki(2)), both, kTestNow), IsOk());
  // Same DN, the other key: its authorityKeyIdentifier names a key no anchor has.
  const TrustAnchorSet first = Anchors({&JpkiDnPki(1).auth_ca});
  EXPECT_THAT(CheckCrl(AuthCrl(JpkiDnPki(2)), first, kTestNow),
              StatusIs(StatusCode::kUnauthenticated,
                       "CRL check: unknown issuer: no trust anchor has the key that signed the "
                       "CRL"));
  // No authorityKeyIdentifier: only the signature can tell.
  const TestPki& other = JpkiDnPki(2);
  const Crl bare = Resigned(AuthCrl(other), *other.auth_ca_key, [](X509_CRL* crl) {
    X509_EXTENSION_free(
        X509_CRL_delete_ext(crl, X509_CRL_get_ext_by_NID(crl, NID_authority_key_identifier, -1)));
  });
  EXPECT_THAT(CheckCrl(bare, both, kTestNow), IsOk());
  EXPECT_THAT(CheckCrl(bare, first, kTestNow),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("bad signature")));
  // Another DN altogether.
  EXPECT_THAT(CheckCrl(AuthCrl(SharedTestPki()), both, kTestNow),
              StatusIs(StatusCode::kUnauthenticated,
                       "CRL check: unknown issuer: no trust anchor is named as the CRL's issuer"));
}

TEST(CheckCrlTest, BadSignature) {
  const TestPki& pki = SharedTestPki();
  const TrustAnchorSet anchors = Anchors({&pki.auth_ca});
  const Bytes der = AuthCrl(pki).Der();
  // Every 97th bit of the 256-byte signature value, at the end of the DER.
  for (std::size_t bit = 0; bit < 256 * 8; bit += 97) {
    Bytes bad = der;
    bad[der.size() - 256 + bit / 8] ^= static_cast<std::uint8_t>(0x80 >> (bit % 8));
    Result<Crl> crl = Crl::FromDer(bad);
    ASSERT_THAT(crl, IsOk());
    ASSERT_THAT(CheckCrl(*crl, anchors, kTestNow),
                StatusIs(StatusCode::kUnauthenticated, HasSubstr("bad signature")))
        << bit;
  }
}

TEST(CheckCrlTest, TheSignerMustBeAllowedToSignCrls) {
  const TestPki& pki = SharedTestPki();
  const X509NamePtr name = JpkiAuthRootName();
  TestPki no_crl_sign{testing::ShareKey(*pki.auth_ca_key),
                      MakeSelfSigned(*pki.auth_ca_key, *name,
                                     {{NID_basic_constraints, "critical,CA:TRUE"},
                                      {NID_key_usage, "critical,keyCertSign"},
                                      {NID_subject_key_identifier, "hash"}}),
                      testing::ShareKey(*pki.sign_ca_key), pki.sign_ca.Clone()};
  TrustAnchorSet anchors;
  ASSERT_THAT(anchors.Add(no_crl_sign.auth_ca.Clone(), "cert-only root"), IsOk());
  EXPECT_THAT(CheckCrl(AuthCrl(no_crl_sign), anchors, kTestNow),
              StatusIs(StatusCode::kUnauthenticated,
                       "CRL check: trust anchor 'cert-only root' may not sign CRLs (key usage "
                       "lacks cRLSign)"));
}

TEST(CheckCrlTest, RefusesCrlsThatDoNotCoverEveryUserCertificate) {
  const TestPki& pki = SharedTestPki();
  const EVP_PKEY& key = *pki.auth_ca_key;
  const TrustAnchorSet anchors = Anchors({&pki.auth_ca});
  const Bytes serials[] = {Bytes{0x05}};
  const Crl base = AuthCrl(pki, serials);
  struct Case {
    std::string what;
    std::function<void(X509_CRL*)> modify;
    std::string reason;
  };
  const Case cases[] = {
      {"delta",
       [](X509_CRL* crl) {
         Asn1IntegerPtr base_number(ASN1_INTEGER_new());
         ASN1_INTEGER_set(base_number.get(), 7);
         EXPECT_EQ(X509_CRL_add1_ext_i2d(crl, NID_delta_crl, base_number.get(), 1, 0), 1);
       },
       "delta CRLs are not supported"},
      {"indirect",
       [](X509_CRL* crl) { AddIdp(crl, [](ISSUING_DIST_POINT* idp) { idp->indirectCRL = 0xFF; }); },
       "indirect CRLs are not supported"},
      {"some reasons",
       [](X509_CRL* crl) {
         AddIdp(crl, [](ISSUING_DIST_POINT* idp) {
           idp->onlysomereasons = ASN1_BIT_STRING_new();
           ASN1_BIT_STRING_set_bit(idp->onlysomereasons, 1, 1);  // keyCompromise
         });
       },
       "only some revocation reasons"},
      {"CA certificates only",
       [](X509_CRL* crl) { AddIdp(crl, [](ISSUING_DIST_POINT* idp) { idp->onlyCA = 0xFF; }); },
       "does not cover user certificates"},
      {"attribute certificates only",
       [](X509_CRL* crl) { AddIdp(crl, [](ISSUING_DIST_POINT* idp) { idp->onlyattr = 0xFF; }); },
       "does not cover user certificates"},
      {"unknown critical extension",
       [](X509_CRL* crl) {
         X509ExtensionPtr ext = UnknownCritical();
         EXPECT_EQ(X509_CRL_add_ext(crl, ext.get(), -1), 1);
       },
       "unsupported critical CRL extension 1.2.3.4.5.6.7"},
      {"entry names a certificate issuer",
       [](X509_CRL* crl) {
         X509_REVOKED* entry = sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl), 0);
         GeneralNamesPtr names(GENERAL_NAMES_new());
         GENERAL_NAME* name = GENERAL_NAME_new();
         X509_NAME* dn = X509_NAME_dup(X509_CRL_get_issuer(crl));
         GENERAL_NAME_set0_value(name, GEN_DIRNAME, dn);
         sk_GENERAL_NAME_push(names.get(), name);
         EXPECT_EQ(X509_REVOKED_add1_ext_i2d(entry, NID_certificate_issuer, names.get(), 1, 0), 1);
       },
       "indirect CRLs are not supported (an entry names a certificate issuer)"},
      {"unknown critical entry extension",
       [](X509_CRL* crl) {
         X509_REVOKED* entry = sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl), 0);
         X509ExtensionPtr ext = UnknownCritical();
         EXPECT_EQ(X509_REVOKED_add_ext(entry, ext.get(), -1), 1);
       },
       "unsupported critical CRL entry extension 1.2.3.4.5.6.7"},
  };
  for (const Case& c : cases) {
    const Crl crl = Resigned(base, key, c.modify);
    EXPECT_THAT(CheckCrl(crl, anchors, kTestNow),
                StatusIs(StatusCode::kFailedPrecondition, HasSubstr(c.reason)))
        << c.what;
  }
  // Scoped to one distribution point only (a partitioned CRL): accepted.
  const Crl partition = Resigned(base, key, [](X509_CRL* crl) {
    AddIdp(crl, [](ISSUING_DIST_POINT* idp) {
      idp->distpoint = DIST_POINT_NAME_new();
      idp->distpoint->type = 0;  // fullName
      idp->distpoint->name.fullname = GENERAL_NAMES_new();
      GENERAL_NAME* uri = GENERAL_NAME_new();
      ASN1_IA5STRING* text = ASN1_IA5STRING_new();
      ASN1_STRING_set(text, "http://crl.example/part1.crl", -1);
      GENERAL_NAME_set0_value(uri, GEN_URI, text);
      sk_GENERAL_NAME_push(idp->distpoint->name.fullname, uri);
      idp->onlyuser = 0xFF;
    });
  });
  EXPECT_THAT(CheckCrl(partition, anchors, kTestNow), IsOk());
  // A non-critical extension nobody handles is ignored (RFC 5280 §5.2).
  const Crl extra = Resigned(base, key, [](X509_CRL* crl) {
    X509ExtensionPtr ext = UnknownCritical();
    X509_EXTENSION_set_critical(ext.get(), 0);
    EXPECT_EQ(X509_CRL_add_ext(crl, ext.get(), -1), 1);
  });
  EXPECT_THAT(CheckCrl(extra, anchors, kTestNow), IsOk());
}

identity::OrgKey KeyFromSeed(std::uint64_t seed) {
  SeededRandom random(seed);
  return identity::OrgKey::Generate(random);
}

TEST(KeyedRevokedSerialsTest, KeysEveryEntryWithTheIssuerDn) {
  const TestPki& pki = SharedTestPki();
  SeededRandom random(100);
  Result<Certificate> cert =
      IssueAuthCertificate(pki, HolderKey(), random, kTestNow, kTestNow + 365 * kDay);
  ASSERT_THAT(cert, IsOk());
  const Bytes serials[] = {Bytes{0x00, 0x05}, cert->SerialNumber(), Bytes{0x01, 0x00}};
  const Crl crl = AuthCrl(pki, serials);
  const identity::OrgKey k_org = KeyFromSeed(1);
  const std::vector<Bytes> keyed = KeyedRevokedSerials(crl, k_org);
  ASSERT_EQ(keyed.size(), 3u);
  // The CRL's issuer DN is the certificate's, byte for byte, so enrolment and CRL import agree.
  ASSERT_EQ(crl.IssuerNameDer(), cert->IssuerNameDer());
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    EXPECT_EQ(keyed[i],
              identity::KeyedSerial(k_org, cert->IssuerNameDer(), crl.RevokedSerials()[i]));
    EXPECT_EQ(keyed[i].size(), 32u);
  }
  const Bytes enrolled = identity::KeyedSerial(k_org, cert->IssuerNameDer(), cert->SerialNumber());
  EXPECT_EQ(std::count(keyed.begin(), keyed.end(), enrolled), 1);
  // Another organisation's key gives unrelated values.
  const std::vector<Bytes> other = KeyedRevokedSerials(crl, KeyFromSeed(2));
  for (const Bytes& value : other) {
    EXPECT_EQ(std::count(keyed.begin(), keyed.end(), value), 0);
  }
  // The same serial under a same-DN root generation keys to the same value: serials are unique
  // per issuer name (RFC 5280 §4.1.2.2), whatever the key.
  EXPECT_EQ(KeyedRevokedSerials(AuthCrl(JpkiDnPki(1), serials), k_org),
            KeyedRevokedSerials(AuthCrl(JpkiDnPki(2), serials), k_org));
  EXPECT_NE(KeyedRevokedSerials(AuthCrl(JpkiDnPki(1), serials), k_org), keyed);
  EXPECT_THAT(KeyedRevokedSerials(AuthCrl(pki), k_org), IsEmpty());
}

}  // namespace
}  // namespace sekisho::pki
