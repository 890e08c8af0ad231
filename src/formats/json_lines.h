// JSON Lines files read one line at a time, each line parsed as JSON: what the
// oteljson and jsonlogs formats share. json_lines.cc is the one file that sees
// simdjson; internal to the formats layer.
//
// Promises:
// - The file is streamed: memory follows the longest line, never the whole file; a
//   line over 64 MiB is dropped as it is read and counted in skipped().
// - A line loses its NUL bytes and surrounding white space before it is parsed;
//   blank lines are passed over.
// - A line that is not JSON is counted in skipped(), except a last line without
//   its newline: a line still being written, passed over silently.
// - A Json value and the strings it gives are valid until the next Next(); a
//   ForEachMemberText text, during its call.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace pond::formats {

// One value of the current line's JSON document (a simdjson DOM element).
class Json {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type() const;

  // An object's member; nullopt when this is not an object or has no such key.
  std::optional<Json> Member(std::string_view key) const;
  // Calls fn(Json) for each element of an array while fn returns true. False when
  // this is not an array or fn returned false.
  template <class Fn>
  bool ForEachElement(Fn&& fn) const {
    using F = std::remove_reference_t<Fn>;
    return VisitElements(&fn, [](void* f, const Json& e) { return (*static_cast<F*>(f))(e); });
  }
  // Calls fn(key, Json) for each member of an object, in order, while fn returns
  // true. False when this is not an object or fn returned false.
  template <class Fn>
  bool ForEachMember(Fn&& fn) const {
    using F = std::remove_reference_t<Fn>;
    return VisitMembers(&fn, [](void* f, std::string_view key, const Json& v) {
      return (*static_cast<F*>(f))(key, v);
    });
  }

  // Each of these is nullopt when the value is not of that kind.
  std::optional<std::string_view> String() const;  // unescaped
  std::optional<double> Number() const;            // any JSON number
  std::optional<int64_t> Int() const;              // an integer within int64
  std::optional<uint64_t> Uint() const;            // an integer within uint64

 private:
  friend class JsonLinesReader;
  bool VisitElements(void* fn, bool (*call)(void*, const Json&)) const;
  bool VisitMembers(void* fn, bool (*call)(void*, std::string_view, const Json&)) const;
  // simdjson::dom::element (a document pointer and a tape index), kept opaque so
  // that simdjson.h stays in json_lines.cc.
  alignas(8) std::array<std::byte, 16> element_{};
};

// Reads a JSON Lines file:
//   JsonLinesReader lines(input, name);
//   while (lines.Next()) if (!Use(lines.root())) lines.Refuse();
class JsonLinesReader {
 public:
  // Opens the host file `path`; `name` names it in errors. Throws Error.
  JsonLinesReader(const std::string& path, const std::string& name);
  ~JsonLinesReader();
  JsonLinesReader(const JsonLinesReader&) = delete;
  JsonLinesReader& operator=(const JsonLinesReader&) = delete;

  // Moves to the next line that parses as JSON; false at the end of the file.
  // Throws Error when the file cannot be read.
  bool Next();
  // The current line's document and its 1-based line number in the file.
  Json root() const;
  int64_t line_number() const;
  // Counts the current line in skipped(): JSON, but not of the shape expected.
  void Refuse();
  // Lines not JSON, and lines refused.
  int64_t skipped() const;

  // Calls fn(key, text) for each member of the current line's object, in order:
  // text is a string's unescaped value, a number's or boolean's JSON text as
  // written, an array or object as compact JSON, and nullopt for null. False when
  // the line is not an object. Throws Error (`<name>:<line>`) should simdjson's
  // second reading of the line fail where its first succeeded.
  template <class Fn>
  bool ForEachMemberText(Fn&& fn) const {
    using F = std::remove_reference_t<Fn>;
    return VisitMemberTexts(
        &fn, [](void* f, std::string_view key, std::optional<std::string_view> text) {
          (*static_cast<F*>(f))(key, text);
        });
  }

 private:
  bool VisitMemberTexts(void* fn, void (*call)(void*, std::string_view,
                                               std::optional<std::string_view>)) const;
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace pond::formats
