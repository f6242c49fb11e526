#include "../../src/ctld/status_page.h"

#include <gtest/gtest.h>

namespace drover {
namespace {

TEST(StatusPageTest, EscapesHtml) {
  EXPECT_EQ(html_escape(R"(<script>alert("x&y's")</script>)"),
            "&lt;script&gt;alert(&quot;x&amp;y&#39;s&quot;)&lt;/script&gt;");
}

TEST(StatusPageTest, ShowsTheQueueAndNodesWithEveryTextEscaped) {
  StatusView v;
  v.cluster = "pi<clust>";
  v.generated_at = "2026-11-24T18:00:00";
  v.running = 1;
  v.pending = 3;
  v.running_rows.push_back({"12", "alice", "<img src=x onerror=alert(1)>", "picluster", "RUNNING", "node[1-2]",
                            "1:05", ""});
  v.pending_rows.push_back({"13_[1-5]", "bob", "sweep", "picluster", "PENDING", "Resources", "0:10", ""});
  v.finished_rows.push_back({"11", "alice", "done", "picluster", "COMPLETED", "node1", "0:03", "2026-11-24T17:59:00"});
  v.nodes.push_back({"node1", "MIXED", "", 4, 2, 1024, 256, "+0.0 s"});
  std::string page = render_status_page(v);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<clust>"), std::string::npos);
  EXPECT_NE(page.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(page.find("<meta http-equiv=\"refresh\" content=\"10\">"), std::string::npos);
  EXPECT_NE(page.find("<td>13_[1-5]</td>"), std::string::npos);
  EXPECT_NE(page.find("<td>Resources</td>"), std::string::npos);
  EXPECT_NE(page.find("3, first 1 shown"), std::string::npos);  // totals come from the counts
  EXPECT_NE(page.find("<td>node1</td>"), std::string::npos);
  EXPECT_NE(page.find("2/4"), std::string::npos);
  EXPECT_NE(page.find("256/1024"), std::string::npos);
  EXPECT_NE(page.find("width:50%"), std::string::npos);  // the CPU bar
  EXPECT_NE(page.find("2026-11-24T17:59:00"), std::string::npos);
  EXPECT_EQ(page.find("http://"), std::string::npos);  // no external assets
  EXPECT_EQ(page.find("https://"), std::string::npos);
}

TEST(StatusPageTest, EmptyTablesSayNone) {
  StatusView v;
  v.cluster = "c";
  std::string page = render_status_page(v);
  EXPECT_NE(page.find("<section id=\"running\"><h2>Running <small>0</small></h2><p class=\"empty\">none</p>"),
            std::string::npos);
}

}  // namespace
}  // namespace drover
