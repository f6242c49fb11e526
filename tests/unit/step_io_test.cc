// The srun <-> step supervisor stream: frames split and joined across
// arbitrary reads, and a peer sending garbage is refused.
#include <gtest/gtest.h>

#include "drover/step_io.h"

namespace drover {
namespace {

TEST(StepIo, FramesSurviveAnySplit) {
  std::string stream = encode_io_frame(IoType::kStdout, 7, "hello\n") + encode_io_frame(IoType::kExit, 7, encode_u32(3) + encode_u32(0)) +
                       encode_io_frame(IoType::kStdinEof, 0, "");
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    IoDecoder decoder;
    std::vector<IoFrame> frames;
    for (std::string_view part : {std::string_view(stream).substr(0, cut), std::string_view(stream).substr(cut)}) {
      decoder.feed(part);
      for (;;) {
        auto next = decoder.next();
        ASSERT_TRUE(next);
        if (!*next) break;
        frames.push_back(**next);
      }
    }
    ASSERT_EQ(frames.size(), 3u) << "cut at " << cut;
    EXPECT_EQ(frames[0].type, IoType::kStdout);
    EXPECT_EQ(frames[0].task, 7u);
    EXPECT_EQ(frames[0].data, "hello\n");
    EXPECT_EQ(decode_u32(frames[1].data), 3u);
    EXPECT_EQ(frames[2].type, IoType::kStdinEof);
    EXPECT_TRUE(frames[2].data.empty());
  }
}

TEST(StepIo, UnknownTypesAndHugeLengthsAreErrors) {
  IoDecoder bad_type;
  bad_type.feed(std::string("\x42\0\0\0\0\0\0\0\0", 9));
  EXPECT_FALSE(bad_type.next());
  IoDecoder huge;
  huge.feed(std::string("\x02\0\0\0\0\x7f\xff\xff\xff", 9));
  EXPECT_FALSE(huge.next());
}

TEST(StepIo, IntegersAreBigEndian) {
  EXPECT_EQ(encode_u32(0x01020304), std::string("\x01\x02\x03\x04"));
  EXPECT_EQ(decode_u32(encode_u32(4000000000u)), 4000000000u);
}

}  // namespace
}  // namespace drover
