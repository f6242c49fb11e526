// A small streaming JSON writer for the CLIs' --json output: objects,
// arrays, strings (escaped per RFC 8259), integers and booleans, indented
// two spaces as Slurm's serializer prints them. Not thread-safe; one writer
// per document.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace drover {

class JsonWriter {
 public:
  // Containers: key is used inside an object and ignored inside an array.
  void begin_object(std::string_view key = {});
  void end_object();
  void begin_array(std::string_view key = {});
  void end_array();

  void string(std::string_view key, std::string_view value);
  void number(std::string_view key, int64_t value);
  void boolean(std::string_view key, bool value);
  // Array elements.
  void string_element(std::string_view value);
  void number_element(int64_t value);

  // The document, ending in '\n'. Call once every container is closed.
  std::string finish();

 private:
  void open_value(std::string_view key);
  void close(char bracket);

  std::string out_;
  struct Level {
    bool in_object;
    bool empty = true;
  };
  std::vector<Level> levels_;
};

// Appends text as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

}  // namespace drover
