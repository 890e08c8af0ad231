#include "formats/json_lines.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "base/error.h"

namespace pond::formats {

namespace dom = simdjson::dom;
namespace ondemand = simdjson::ondemand;

static_assert(sizeof(dom::element) == 16 && std::is_trivially_copyable_v<dom::element>,
              "Json keeps a dom::element in 16 bytes");

namespace {

dom::element ElementOf(const std::array<std::byte, 16>& bytes) {
  return std::bit_cast<dom::element>(bytes);
}

std::array<std::byte, 16> BytesOf(dom::element e) {
  return std::bit_cast<std::array<std::byte, 16>>(e);
}

// A simdjson result's value; nullopt for any error (a value of another type).
template <class T>
std::optional<T> ValueOf(simdjson::simdjson_result<T> result) {
  T value;
  if (std::move(result).get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

// Removes NUL bytes in place (a log cut by a crash may hold runs of them) and trims
// white space.
std::string_view Clean(char* data, size_t size) {
  if (std::memchr(data, '\0', size) != nullptr) {
    char* out = data;
    for (size_t i = 0; i < size; ++i)
      if (data[i] != '\0') *out++ = data[i];
    size = out - data;
  }
  std::string_view line(data, size);
  const char* space = " \t\r\n\f\v";
  size_t first = line.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return line.substr(first, line.find_last_not_of(space) - first + 1);
}

}  // namespace

Json::Type Json::type() const {
  switch (ElementOf(element_).type()) {
    case dom::element_type::ARRAY:
      return Type::kArray;
    case dom::element_type::OBJECT:
      return Type::kObject;
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      return Type::kNumber;
    case dom::element_type::STRING:
      return Type::kString;
    case dom::element_type::BOOL:
      return Type::kBool;
    case dom::element_type::NULL_VALUE:
      return Type::kNull;
  }
  return Type::kNull;
}

std::optional<Json> Json::Member(std::string_view key) const {
  dom::element member;
  if (ElementOf(element_).at_key(key).get(member) != simdjson::SUCCESS) return std::nullopt;
  Json out;
  out.element_ = BytesOf(member);
  return out;
}

bool Json::VisitElements(void* fn, bool (*call)(void*, const Json&)) const {
  dom::array array;
  if (ElementOf(element_).get_array().get(array) != simdjson::SUCCESS) return false;
  for (dom::element e : array) {
    Json j;
    j.element_ = BytesOf(e);
    if (!call(fn, j)) return false;
  }
  return true;
}

bool Json::VisitMembers(void* fn, bool (*call)(void*, std::string_view, const Json&)) const {
  dom::object object;
  if (ElementOf(element_).get_object().get(object) != simdjson::SUCCESS) return false;
  for (dom::key_value_pair member : object) {
    Json j;
    j.element_ = BytesOf(member.value);
    if (!call(fn, member.key, j)) return false;
  }
  return true;
}

std::optional<std::string_view> Json::String() const {
  return ValueOf(ElementOf(element_).get_string());
}

std::optional<double> Json::Number() const { return ValueOf(ElementOf(element_).get_double()); }

std::optional<int64_t> Json::Int() const { return ValueOf(ElementOf(element_).get_int64()); }

std::optional<uint64_t> Json::Uint() const { return ValueOf(ElementOf(element_).get_uint64()); }

struct JsonLinesReader::State {
  std::string name;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{nullptr, &std::fclose};
  // Read bytes, with SIMDJSON_PADDING more after `capacity` that simdjson may read
  // past a line's end: lines are parsed where they lie, never copied.
  std::vector<char> buffer;
  size_t capacity = size_t{1} << 20;
  size_t begin = 0, end = 0, scanned = 0;  // unread bytes [begin, end); no '\n' in [begin, scanned)
  bool at_eof = false;
  // A line longer than kMaxLine is not held: its bytes are dropped up to its newline
  // and it counts as skipped, so memory stays bounded whatever a log holds.
  static constexpr size_t kMaxLine = size_t{64} << 20;
  bool dropping = false;

  int64_t line_number = 0;
  int64_t skipped = 0;
  std::string_view line;
  dom::parser dom;
  dom::element root;
  ondemand::parser ondemand;
  std::string compact;  // an array or object member's minified text

  // A line as read, in the buffer (Clean() edits it there).
  struct RawLine {
    char* data;
    size_t size;
    bool terminated;  // by '\n'
  };
  // The next raw line; nullopt at the end of the file.
  std::optional<RawLine> NextRawLine();
  void Fill();
};

std::optional<JsonLinesReader::State::RawLine> JsonLinesReader::State::NextRawLine() {
  for (;;) {
    char* start = buffer.data() + begin;
    if (void* nl = std::memchr(buffer.data() + scanned, '\n', end - scanned)) {
      char* stop = static_cast<char*>(nl);
      begin = scanned = stop - buffer.data() + 1;
      if (dropping) {
        dropping = false;
        ++skipped;
        spdlog::debug("{}: a line over {} bytes, skipped", name, kMaxLine);
        continue;
      }
      return RawLine{start, static_cast<size_t>(stop - start), true};
    }
    scanned = end;
    if (dropping || end - begin >= kMaxLine) {
      dropping = true;
      begin = scanned = end;  // drop what is read of it
      if (at_eof) return std::nullopt;
    }
    if (at_eof) {
      if (begin == end) return std::nullopt;
      RawLine raw{start, end - begin, false};
      begin = scanned = end;
      return raw;
    }
    Fill();
  }
}

// Moves the unread bytes to the front, grows the buffer when a line fills it, and
// reads more.
void JsonLinesReader::State::Fill() {
  if (begin > 0) {
    std::memmove(buffer.data(), buffer.data() + begin, end - begin);
    end -= begin;
    scanned -= begin;
    begin = 0;
  }
  if (end == capacity) {
    capacity *= 2;
    buffer.resize(capacity + simdjson::SIMDJSON_PADDING);
  }
  size_t n = std::fread(buffer.data() + end, 1, capacity - end, file.get());
  if (n == 0 && std::ferror(file.get()))
    throw Error(std::string("cannot read: ") + std::strerror(errno), name);
  if (n == 0) at_eof = true;
  end += n;
}

JsonLinesReader::JsonLinesReader(const std::string& path, const std::string& name)
    : s_(std::make_unique<State>()) {
  s_->name = name;
  s_->buffer.resize(s_->capacity + simdjson::SIMDJSON_PADDING);
  s_->file.reset(std::fopen(path.c_str(), "rb"));
  if (!s_->file) throw Error(std::string("cannot open: ") + std::strerror(errno), name);
}

JsonLinesReader::~JsonLinesReader() = default;

bool JsonLinesReader::Next() {
  State& s = *s_;
  while (auto raw = s.NextRawLine()) {
    ++s.line_number;
    s.line = Clean(raw->data, raw->size);
    if (s.line.empty()) continue;
    // The line lies inside the buffer, which has the padding simdjson reads after it.
    if (s.dom.parse(s.line.data(), s.line.size(), false).get(s.root) == simdjson::SUCCESS)
      return true;
    if (raw->terminated) {
      ++s.skipped;
      spdlog::debug("{}:{}: not JSON, skipped", s.name, s.line_number);
    }
  }
  return false;
}

Json JsonLinesReader::root() const {
  Json j;
  j.element_ = BytesOf(s_->root);
  return j;
}

int64_t JsonLinesReader::line_number() const { return s_->line_number; }

void JsonLinesReader::Refuse() {
  ++s_->skipped;
  spdlog::debug("{}:{}: not of the expected shape, skipped", s_->name, s_->line_number);
}

int64_t JsonLinesReader::skipped() const { return s_->skipped; }

namespace {

// What ForEachMemberText hands out for `value`: nullopt for null; `compact` keeps
// an array's or object's minified text.
simdjson::error_code TextOf(ondemand::value& value, std::string& compact,
                            std::optional<std::string_view>& text) {
  ondemand::json_type type;
  if (auto e = value.type().get(type)) return e;
  std::string_view raw;
  simdjson::error_code e = simdjson::SUCCESS;
  switch (type) {
    case ondemand::json_type::null:
      text.reset();
      return simdjson::SUCCESS;
    case ondemand::json_type::string:
      e = value.get_string().get(raw);
      text = raw;
      return e;
    case ondemand::json_type::number:
    case ondemand::json_type::boolean:
      raw = value.raw_json_token();  // with the white space that follows it
      text = raw.substr(0, raw.find_last_not_of(" \t\r\n") + 1);
      return simdjson::SUCCESS;
    case ondemand::json_type::array: {
      ondemand::array array;
      if (!(e = value.get_array().get(array))) e = array.raw_json().get(raw);
      break;
    }
    case ondemand::json_type::object: {
      ondemand::object object;
      if (!(e = value.get_object().get(object))) e = object.raw_json().get(raw);
      break;
    }
  }
  if (e) return e;
  compact.resize(raw.size());
  size_t size = 0;
  e = simdjson::minify(raw.data(), raw.size(), compact.data(), size);
  text = std::string_view(compact.data(), size);
  return e;
}

}  // namespace

// The DOM parse validated the line; the on-demand one gives the text as written.
bool JsonLinesReader::VisitMemberTexts(void* fn,
                                       void (*call)(void*, std::string_view,
                                                    std::optional<std::string_view>)) const {
  State& s = *s_;
  if (!s.root.is_object()) return false;
  auto check = [&](simdjson::error_code e) {
    if (e)
      throw Error(std::string("JSON: ") + simdjson::error_message(e),
                  s.name + ":" + std::to_string(s.line_number));
  };
  const size_t room = s.buffer.size() - (s.line.data() - s.buffer.data());
  ondemand::document doc;
  ondemand::object object;
  check(s.ondemand.iterate(s.line.data(), s.line.size(), room).get(doc));
  check(doc.get_object().get(object));
  for (auto member : object) {
    ondemand::field field;
    std::string_view key;
    std::optional<std::string_view> text;
    check(std::move(member).get(field));
    check(field.unescaped_key().get(key));
    check(TextOf(field.value(), s.compact, text));
    call(fn, key, text);
  }
  return true;
}

}  // namespace pond::formats
