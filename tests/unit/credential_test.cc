// Credentials, envelopes and frames (DESIGN.md "Wire protocol"). Every time
// is passed explicitly, so nothing here sleeps.
#include "drover/credential.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "drover/envelope.h"

namespace drover {
namespace {

testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

constexpr int64_t kNow = 1'700'000'000;
constexpr uint32_t kTtl = 300;
constexpr uint32_t kSkew = 60;

const ClusterKey& test_key() {
  static const ClusterKey key = ClusterKey::from_bytes(std::string(32, 'k'));
  return key;
}

const ClusterKey& other_key() {
  static const ClusterKey key = ClusterKey::from_bytes(std::string(32, 'o'));
  return key;
}

// A signer minting with `key` as if the clock read `issued_s`.
Signer signer_at(const ClusterKey& key, int64_t issued_s, uint32_t ttl_s = kTtl) {
  return [&key, issued_s, ttl_s](std::string_view digest) {
    return Result<pb::Credential>::ok(mint_credential(key, 1000, 1000, issued_s, ttl_s, digest));
  };
}

pb::Message cancel_message() {
  pb::Message m;
  m.mutable_cancel()->add_job_ids("42");
  return m;
}

std::string sealed(const pb::Message& message, int64_t issued_s = kNow, const ClusterKey& key = test_key()) {
  Result<std::string> body = seal(message, signer_at(key, issued_s));
  EXPECT_TRUE(body) << body.error();
  return body ? *body : std::string();
}

Result<Opened> open_at(std::string_view body, int64_t now_s, ReplayCache* replays = nullptr,
                       const ClusterKey& key = test_key()) {
  return open_envelope(body, Verifier{&key, kSkew, replays}, now_s);
}

// Re-serializes an envelope body after `edit` has changed it.
template <class Edit>
std::string edited(const std::string& body, Edit edit) {
  pb::Envelope envelope;
  EXPECT_TRUE(envelope.ParseFromString(body));
  edit(envelope);
  return envelope.SerializeAsString();
}

// ---------- envelopes ----------

TEST(Envelope, SealedMessageOpensWithTheRightKey) {
  pb::Message message;
  message.mutable_submit()->mutable_spec()->set_name("hello");
  std::string body = sealed(message);
  ReplayCache replays;
  Result<Opened> opened = open_at(body, kNow, &replays);
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_EQ(opened->message.kind_case(), pb::Message::kSubmit);
  EXPECT_EQ(opened->message.submit().spec().name(), "hello");
  EXPECT_EQ(opened->cred.uid(), 1000u);
  EXPECT_EQ(opened->cred.gid(), 1000u);
  EXPECT_EQ(opened->cred.issued_s(), kNow);
  EXPECT_EQ(opened->cred.ttl_s(), kTtl);
}

TEST(Envelope, ForgedMacIsRejected) {
  std::string body = edited(sealed(cancel_message()), [](pb::Envelope& e) {
    std::string mac = e.cred().mac();
    mac[5] = static_cast<char>(mac[5] ^ 0x01);
    e.mutable_cred()->set_mac(mac);
  });
  Result<Opened> opened = open_at(body, kNow);
  ASSERT_FALSE(opened);
  EXPECT_TRUE(Contains(opened.error(), "bad MAC"));
}

TEST(Envelope, PayloadAlteredAfterSealingIsRejected) {
  pb::Message message;
  message.mutable_submit()->mutable_spec()->set_name("honest");
  std::string body = edited(sealed(message), [](pb::Envelope& e) {
    pb::Message forged;
    forged.mutable_submit()->mutable_spec()->set_name("forged");
    e.set_payload(forged.SerializeAsString());
  });
  Result<Opened> opened = open_at(body, kNow);
  ASSERT_FALSE(opened);
  EXPECT_TRUE(Contains(opened.error(), "bad MAC"));
}

TEST(Envelope, CredentialFieldAlteredAfterSealingIsRejected) {
  // Claiming another uid with the original MAC must fail.
  std::string body = edited(sealed(cancel_message()), [](pb::Envelope& e) { e.mutable_cred()->set_uid(0); });
  Result<Opened> opened = open_at(body, kNow);
  ASSERT_FALSE(opened);
  EXPECT_TRUE(Contains(opened.error(), "bad MAC"));
}

TEST(Envelope, WrongKeyIsRejected) {
  std::string body = sealed(cancel_message(), kNow, other_key());
  Result<Opened> opened = open_at(body, kNow);
  ASSERT_FALSE(opened);
  EXPECT_TRUE(Contains(opened.error(), "bad MAC"));
  // The sender's own key opens it.
  EXPECT_TRUE(open_at(body, kNow, nullptr, other_key()));
}

TEST(Envelope, ReplayedEnvelopeIsRejected) {
  std::string body = sealed(cancel_message());
  ReplayCache replays;
  Result<Opened> first = open_at(body, kNow, &replays);
  ASSERT_TRUE(first) << first.error();
  Result<Opened> second = open_at(body, kNow + 1, &replays);
  ASSERT_FALSE(second);
  EXPECT_TRUE(Contains(second.error(), "Replayed credential"));
}

TEST(Envelope, WithoutReplayCacheTheSameBytesOpenTwice) {
  // A client checking replies passes no cache.
  std::string body = sealed(cancel_message());
  EXPECT_TRUE(open_at(body, kNow));
  EXPECT_TRUE(open_at(body, kNow));
}

TEST(Envelope, TwoSealsOfOneMessageAreNotReplays) {
  ReplayCache replays;
  EXPECT_TRUE(open_at(sealed(cancel_message()), kNow, &replays));
  EXPECT_TRUE(open_at(sealed(cancel_message()), kNow, &replays));
  EXPECT_EQ(replays.size(), 2u);
}

TEST(Envelope, ExpiredCredentialIsRejected) {
  Result<Opened> opened = open_at(sealed(cancel_message(), kNow - 1000), kNow);
  ASSERT_FALSE(opened);
  EXPECT_TRUE(Contains(opened.error(), "Expired"));
  EXPECT_TRUE(Contains(opened.error(), "1000 s ago"));
}

TEST(Envelope, FutureCredentialIsRejected) {
  Result<Opened> opened = open_at(sealed(cancel_message(), kNow + 1000), kNow);
  ASSERT_FALSE(opened);
  EXPECT_TRUE(Contains(opened.error(), "Rewound"));
  EXPECT_TRUE(Contains(opened.error(), "1000 s in the future"));
}

// Issue times relative to now, and whether a credential with ttl 300 and
// skew 60 is accepted.
struct SkewCase {
  int64_t issued_offset;
  bool accepted;
};

class EnvelopeSkew : public testing::TestWithParam<SkewCase> {};

TEST_P(EnvelopeSkew, AcceptsWithinTtlPlusSkew) {
  const SkewCase& c = GetParam();
  Result<Opened> opened = open_at(sealed(cancel_message(), kNow + c.issued_offset), kNow);
  EXPECT_EQ(static_cast<bool>(opened), c.accepted) << "offset " << c.issued_offset << ": " << opened.error();
}

INSTANTIATE_TEST_SUITE_P(Credential, EnvelopeSkew,
                         testing::Values(SkewCase{0, true},
                                         SkewCase{30, true},      // sender's clock slightly ahead
                                         SkewCase{60, true},      // exactly the skew
                                         SkewCase{61, false},
                                         SkewCase{-300, true},    // exactly the ttl
                                         SkewCase{-350, true},    // past ttl, within skew
                                         SkewCase{-360, true},    // ttl + skew
                                         SkewCase{-361, false}));

TEST(Envelope, UnknownProtocolVersionIsRejected) {
  std::string body = edited(sealed(cancel_message()), [](pb::Envelope& e) { e.set_version(99); });
  Result<Opened> opened = open_at(body, kNow);
  ASSERT_FALSE(opened);
  EXPECT_TRUE(Contains(opened.error(), "protocol version mismatch"));
  EXPECT_TRUE(Contains(opened.error(), "99"));
}

class EnvelopeGarbage : public testing::TestWithParam<std::string> {};

TEST_P(EnvelopeGarbage, IsRejectedAsMalformed) {
  Result<Opened> opened = open_at(GetParam(), kNow);
  ASSERT_FALSE(opened);
  EXPECT_TRUE(Contains(opened.error(), "malformed"));
}

INSTANTIATE_TEST_SUITE_P(Envelope, EnvelopeGarbage,
                         testing::Values(std::string("\xff\xff\xff\xff", 4),  // unterminated varint
                                         std::string("\x0f", 1),              // wire type 7
                                         std::string("\x1a\x05" "ab", 4),     // payload cut short
                                         std::string("\x00\x00", 2)));        // field number 0

TEST(Envelope, MissingCredentialIsRejected) {
  std::string body = edited(sealed(cancel_message()), [](pb::Envelope& e) { e.clear_cred(); });
  Result<Opened> opened = open_at(body, kNow);
  ASSERT_FALSE(opened);
  EXPECT_TRUE(Contains(opened.error(), "Invalid credential"));
}

TEST(Envelope, MessageWithoutKindIsRejected) {
  Result<Opened> opened = open_at(sealed(pb::Message()), kNow);
  ASSERT_FALSE(opened);
  EXPECT_TRUE(Contains(opened.error(), "unknown message type"));
}

TEST(Envelope, SignerFailureFailsTheSeal) {
  Signer refusing = [](std::string_view) { return Result<pb::Credential>::fail("daemon unreachable"); };
  Result<std::string> body = seal(cancel_message(), refusing);
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error(), "daemon unreachable");
}

// ---------- frames ----------

// A frame header announcing n bytes.
std::string header(uint32_t n) {
  return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n)};
}

Result<uint32_t> length_of(const std::string& head, uint32_t max) {
  return frame_length(reinterpret_cast<const unsigned char*>(head.data()), max);
}

constexpr uint32_t k16MiB = 16u << 20;

TEST(Frame, ZeroLengthIsRefused) {
  Result<uint32_t> n = length_of(header(0), k16MiB);
  ASSERT_FALSE(n);
  EXPECT_TRUE(Contains(n.error(), "empty"));
}

TEST(Frame, OverLimitIsRefusedNamingTheLimit) {
  Result<uint32_t> n = length_of(header(k16MiB + 1), k16MiB);
  ASSERT_FALSE(n);
  EXPECT_TRUE(Contains(n.error(), "16777217"));
  EXPECT_TRUE(Contains(n.error(), "limit of 16777216"));
  EXPECT_FALSE(length_of(header(0xFFFFFFFFu), k16MiB));
}

TEST(Frame, ExactLimitIsAccepted) {
  Result<uint32_t> n = length_of(header(k16MiB), k16MiB);
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, k16MiB);
}

TEST(Frame, RoundTripsWithFrameLength) {
  for (size_t size : {size_t{1}, size_t{255}, size_t{256}, size_t{70'000}}) {
    std::string body(size, 'x');
    body[0] = 'a';
    std::string framed = frame(body);
    ASSERT_EQ(framed.size(), kFrameHeaderBytes + size);
    Result<uint32_t> n = length_of(framed, k16MiB);
    ASSERT_TRUE(n) << n.error();
    EXPECT_EQ(*n, size);
    EXPECT_EQ(framed.substr(kFrameHeaderBytes), body);
  }
}

TEST(Frame, HeaderIsBigEndian) {
  std::string framed = frame(std::string(0x010203, 'z'));
  EXPECT_EQ(framed.substr(0, 4), std::string("\x00\x01\x02\x03", 4));
}

TEST(Frame, SealedEnvelopeTravelsInAFrame) {
  std::string body = sealed(cancel_message());
  std::string framed = frame(body);
  Result<uint32_t> n = length_of(framed, k16MiB);
  ASSERT_TRUE(n);
  Result<Opened> opened = open_at(std::string_view(framed).substr(kFrameHeaderBytes, *n), kNow);
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_EQ(opened->message.kind_case(), pb::Message::kCancel);
}

// ---------- sealing into a frame, reading without copying ----------

// A signer whose credential depends only on the digest, so two seals of one
// payload give the same bytes.
Signer fixed_signer() {
  return [](std::string_view digest) {
    pb::Credential cred;
    cred.set_uid(7);
    cred.set_issued_s(kNow);
    cred.set_nonce(std::string(16, 'n'));
    cred.set_mac(std::string(digest));
    return Result<pb::Credential>::ok(cred);
  };
}

TEST(SealFramed, IsByteForByteTheFramedEnvelope) {
  pb::Message big;
  for (int i = 0; i < 2000; ++i) big.mutable_cancel()->add_job_ids(std::to_string(i));
  for (const std::string& payload : {big.SerializeAsString(), cancel_message().SerializeAsString(), std::string()}) {
    Result<std::string> framed = seal_framed(payload, fixed_signer());
    Result<std::string> body = seal_payload(payload, fixed_signer());
    ASSERT_TRUE(framed && body);
    EXPECT_EQ(*framed, frame(*body)) << "payload of " << payload.size() << " bytes";
  }
}

TEST(SealFramed, OpensWithTheRightKeyAndNotAnother) {
  Result<std::string> framed = seal_framed(cancel_message().SerializeAsString(), signer_at(test_key(), kNow));
  ASSERT_TRUE(framed);
  std::string_view body = std::string_view(*framed).substr(kFrameHeaderBytes);
  Result<Opened> opened = open_at(body, kNow);
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_EQ(opened->message.cancel().job_ids(0), "42");
  EXPECT_FALSE(open_at(body, kNow, nullptr, other_key()));
}

TEST(SealFramed, SignerFailureFailsTheSeal) {
  Signer refusing = [](std::string_view) { return Result<pb::Credential>::fail("daemon unreachable"); };
  Result<std::string> framed = seal_framed("x", refusing);
  ASSERT_FALSE(framed);
  EXPECT_EQ(framed.error(), "daemon unreachable");
}

TEST(ReadEnvelope, PayloadPointsIntoTheBody) {
  std::string body = sealed(cancel_message());
  Result<EnvelopeView> view = read_envelope(body);
  ASSERT_TRUE(view) << view.error();
  EXPECT_EQ(view->version, kProtocolVersion);
  EXPECT_TRUE(view->has_cred);
  EXPECT_EQ(view->cred.uid(), 1000u);
  EXPECT_EQ(view->payload, cancel_message().SerializeAsString());
  EXPECT_GE(view->payload.data(), body.data());
  EXPECT_LE(view->payload.data() + view->payload.size(), body.data() + body.size());
}

TEST(ReadEnvelope, ReadsAsProtobufParses) {
  pb::Envelope first;
  first.set_version(5);
  first.mutable_cred()->set_uid(1);
  first.set_payload("old");
  pb::Envelope second;
  second.set_version(6);
  second.mutable_cred()->set_gid(2);
  second.set_payload("new");
  // Unknown fields (a varint, bytes, a fixed64, a group) are skipped; the
  // last scalar wins; the two credentials merge.
  std::string unknown = std::string("\x48\x01", 2) + std::string("\x52\x02zz", 4) +
                        std::string("\x59" "12345678", 9) + std::string("\x63\x08\x01\x64", 4);
  std::string body = first.SerializeAsString() + unknown + second.SerializeAsString();
  pb::Envelope parsed;
  ASSERT_TRUE(parsed.ParseFromString(body));
  Result<EnvelopeView> view = read_envelope(body);
  ASSERT_TRUE(view) << view.error();
  EXPECT_EQ(view->version, parsed.version());
  EXPECT_EQ(view->payload, parsed.payload());
  EXPECT_EQ(view->cred.SerializeAsString(), parsed.cred().SerializeAsString());
  EXPECT_EQ(view->cred.uid(), 1u);
  EXPECT_EQ(view->cred.gid(), 2u);
}

TEST(ReadEnvelope, RefusesWhatProtobufRefuses) {
  for (const std::string& garbage :
       {std::string("\xff\xff\xff\xff", 4), std::string("\x0f", 1), std::string("\x1a\x05" "ab", 4),
        std::string("\x00\x00", 2), std::string("\x0c", 1), std::string("\x12\x03\x08", 3),
        std::string("\x12\x02\x0f\x00", 4)}) {
    pb::Envelope parsed;
    EXPECT_FALSE(parsed.ParseFromString(garbage));
    EXPECT_FALSE(read_envelope(garbage)) << testing::PrintToString(garbage);
  }
}

TEST(Credential, PayloadDigestIsBlake2b256) {
  // BLAKE2b-256 of the empty string (RFC 7693's parameters, 32-byte output).
  std::string digest = payload_digest("");
  ASSERT_EQ(digest.size(), kPayloadDigestBytes);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : digest) hex += {kHex[c >> 4], kHex[c & 15]};
  EXPECT_EQ(hex, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

// ---------- credentials and the replay cache ----------

TEST(Credential, VerifiesAgainstItsDigestOnly) {
  std::string digest = payload_digest("payload");
  pb::Credential cred = mint_credential(test_key(), 7, 8, kNow, kTtl, digest);
  EXPECT_EQ(cred.nonce().size(), 16u);
  EXPECT_TRUE(verify_credential(test_key(), cred, digest, kNow, kSkew, nullptr));
  Status other = verify_credential(test_key(), cred, payload_digest("payloaD"), kNow, kSkew, nullptr);
  ASSERT_FALSE(other);
  EXPECT_TRUE(Contains(other.error(), "bad MAC"));
}

TEST(Credential, MalformedNonceOrMacIsRejected) {
  std::string digest = payload_digest("p");
  pb::Credential cred = mint_credential(test_key(), 7, 8, kNow, kTtl, digest);
  pb::Credential short_mac = cred;
  short_mac.set_mac(cred.mac().substr(1));
  pb::Credential long_nonce = cred;
  long_nonce.set_nonce(cred.nonce() + "x");
  for (const pb::Credential& c : {short_mac, long_nonce}) {
    Status s = verify_credential(test_key(), c, digest, kNow, kSkew, nullptr);
    ASSERT_FALSE(s);
    EXPECT_TRUE(Contains(s.error(), "malformed"));
  }
}

TEST(Credential, NoncesAreFresh) {
  std::string digest = payload_digest("p");
  EXPECT_NE(mint_credential(test_key(), 1, 1, kNow, kTtl, digest).nonce(),
            mint_credential(test_key(), 1, 1, kNow, kTtl, digest).nonce());
}

TEST(CredentialReplayCache, RefusesASeenNonceUntilItExpires) {
  ReplayCache cache;
  EXPECT_TRUE(cache.insert("nonce-a", 100, 50));
  EXPECT_FALSE(cache.insert("nonce-a", 100, 60));
  EXPECT_FALSE(cache.insert("nonce-a", 100, 100));  // expires_s is still inside the window
  EXPECT_TRUE(cache.insert("nonce-b", 100, 60));
  EXPECT_TRUE(cache.insert("nonce-a", 300, 101));  // after its expiry: a fresh use
  EXPECT_FALSE(cache.insert("nonce-a", 300, 102));  // and now remembered again
}

TEST(CredentialReplayCache, PurgesExpiredEntries) {
  ReplayCache cache;
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(cache.insert("n" + std::to_string(i), 100, 0));
  EXPECT_EQ(cache.size(), 100u);
  EXPECT_TRUE(cache.insert("late", 1000, 500));
  EXPECT_EQ(cache.size(), 1u);
}

TEST(Credential, ReplayAfterWindowIsRejectedAsExpiredNotAccepted) {
  // Once the replay cache has forgotten a nonce, expiry must still refuse it.
  std::string body = sealed(cancel_message());
  ReplayCache replays;
  ASSERT_TRUE(open_at(body, kNow, &replays));
  Result<Opened> late = open_at(body, kNow + kTtl + kSkew + 1, &replays);
  ASSERT_FALSE(late);
  EXPECT_TRUE(Contains(late.error(), "Expired"));
}

// ---------- the key file ----------

class CredentialKeyFile : public testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/drover-key-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& bytes, mode_t mode) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    EXPECT_EQ(chmod(path.c_str(), mode), 0);
    return path;
  }

  std::string dir_;
};

TEST_F(CredentialKeyFile, RefusesAFileReadableByOthers) {
  Result<ClusterKey> key = ClusterKey::load(write("key", std::string(64, 'k'), 0644));
  ASSERT_FALSE(key);
  EXPECT_TRUE(Contains(key.error(), "group or others"));
}

TEST_F(CredentialKeyFile, RefusesAFileWritableByGroup) {
  EXPECT_FALSE(ClusterKey::load(write("key", std::string(64, 'k'), 0620)));
}

TEST_F(CredentialKeyFile, RefusesAShortFile) {
  Result<ClusterKey> key = ClusterKey::load(write("key", std::string(31, 'k'), 0600));
  ASSERT_FALSE(key);
  EXPECT_TRUE(Contains(key.error(), "31 bytes"));
  EXPECT_TRUE(Contains(key.error(), "at least 32"));
}

TEST_F(CredentialKeyFile, AcceptsOwnerOnlyModes) {
  for (mode_t mode : {mode_t{0600}, mode_t{0400}}) {
    std::string bytes(32, static_cast<char>('a' + mode % 7));
    Result<ClusterKey> key = ClusterKey::load(write("key" + std::to_string(mode), bytes, mode));
    ASSERT_TRUE(key) << std::oct << mode << ": " << key.error();
    EXPECT_EQ(key->bytes(), bytes);
  }
}

TEST_F(CredentialKeyFile, MissingFileIsNamed) {
  Result<ClusterKey> key = ClusterKey::load(dir_ + "/absent");
  ASSERT_FALSE(key);
  EXPECT_TRUE(Contains(key.error(), dir_ + "/absent"));
}

TEST_F(CredentialKeyFile, WriteNewKeyMakesALoadable0400Key) {
  std::string path = dir_ + "/drover.key";
  Status written = write_new_key(path);
  ASSERT_TRUE(written) << written.error();
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0400u);
  EXPECT_EQ(st.st_size, 64);
  Result<ClusterKey> key = ClusterKey::load(path);
  ASSERT_TRUE(key) << key.error();
  EXPECT_EQ(key->bytes().size(), 64u);

  Status again = write_new_key(path);
  EXPECT_FALSE(again);
  Result<ClusterKey> unchanged = ClusterKey::load(path);
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->bytes(), key->bytes());
}

TEST_F(CredentialKeyFile, NewKeysDiffer) {
  ASSERT_TRUE(write_new_key(dir_ + "/a"));
  ASSERT_TRUE(write_new_key(dir_ + "/b"));
  EXPECT_NE(ClusterKey::load(dir_ + "/a")->bytes(), ClusterKey::load(dir_ + "/b")->bytes());
}

}  // namespace
}  // namespace drover
