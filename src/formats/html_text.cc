// Character references and line breaks of HTML text (html_text.h).
#include "formats/html_text.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>

namespace pond::formats {

namespace {

struct NamedReference {
  std::string_view name;
  char32_t code;
};

// HTML 4's named references (libxml2's html40EntitiesTable), sorted by name (bytes).
constexpr NamedReference kNamed[] = {
    {"AElig", 198},    {"Aacute", 193},  {"Acirc", 194},   {"Agrave", 192},  {"Alpha", 913},
    {"Aring", 197},    {"Atilde", 195},  {"Auml", 196},    {"Beta", 914},    {"Ccedil", 199},
    {"Chi", 935},      {"Dagger", 8225}, {"Delta", 916},   {"ETH", 208},     {"Eacute", 201},
    {"Ecirc", 202},    {"Egrave", 200},  {"Epsilon", 917}, {"Eta", 919},     {"Euml", 203},
    {"Gamma", 915},    {"Iacute", 205},  {"Icirc", 206},   {"Igrave", 204},  {"Iota", 921},
    {"Iuml", 207},     {"Kappa", 922},   {"Lambda", 923},  {"Mu", 924},      {"Ntilde", 209},
    {"Nu", 925},       {"OElig", 338},   {"Oacute", 211},  {"Ocirc", 212},   {"Ograve", 210},
    {"Omega", 937},    {"Omicron", 927}, {"Oslash", 216},  {"Otilde", 213},  {"Ouml", 214},
    {"Phi", 934},      {"Pi", 928},      {"Prime", 8243},  {"Psi", 936},     {"Rho", 929},
    {"Scaron", 352},   {"Sigma", 931},   {"THORN", 222},   {"Tau", 932},     {"Theta", 920},
    {"Uacute", 218},   {"Ucirc", 219},   {"Ugrave", 217},  {"Upsilon", 933}, {"Uuml", 220},
    {"Xi", 926},       {"Yacute", 221},  {"Yuml", 376},    {"Zeta", 918},    {"aacute", 225},
    {"acirc", 226},    {"acute", 180},   {"aelig", 230},   {"agrave", 224},  {"alefsym", 8501},
    {"alpha", 945},    {"amp", 38},      {"and", 8743},    {"ang", 8736},    {"apos", 39},
    {"aring", 229},    {"asymp", 8776},  {"atilde", 227},  {"auml", 228},    {"bdquo", 8222},
    {"beta", 946},     {"brvbar", 166},  {"bull", 8226},   {"cap", 8745},    {"ccedil", 231},
    {"cedil", 184},    {"cent", 162},    {"chi", 967},     {"circ", 710},    {"clubs", 9827},
    {"cong", 8773},    {"copy", 169},    {"crarr", 8629},  {"cup", 8746},    {"curren", 164},
    {"dArr", 8659},    {"dagger", 8224}, {"darr", 8595},   {"deg", 176},     {"delta", 948},
    {"diams", 9830},   {"divide", 247},  {"eacute", 233},  {"ecirc", 234},   {"egrave", 232},
    {"empty", 8709},   {"emsp", 8195},   {"ensp", 8194},   {"epsilon", 949}, {"equiv", 8801},
    {"eta", 951},      {"eth", 240},     {"euml", 235},    {"euro", 8364},   {"exist", 8707},
    {"fnof", 402},     {"forall", 8704}, {"frac12", 189},  {"frac14", 188},  {"frac34", 190},
    {"frasl", 8260},   {"gamma", 947},   {"ge", 8805},     {"gt", 62},       {"hArr", 8660},
    {"harr", 8596},    {"hearts", 9829}, {"hellip", 8230}, {"iacute", 237},  {"icirc", 238},
    {"iexcl", 161},    {"igrave", 236},  {"image", 8465},  {"infin", 8734},  {"int", 8747},
    {"iota", 953},     {"iquest", 191},  {"isin", 8712},   {"iuml", 239},    {"kappa", 954},
    {"lArr", 8656},    {"lambda", 955},  {"lang", 9001},   {"laquo", 171},   {"larr", 8592},
    {"lceil", 8968},   {"ldquo", 8220},  {"le", 8804},     {"lfloor", 8970}, {"lowast", 8727},
    {"loz", 9674},     {"lrm", 8206},    {"lsaquo", 8249}, {"lsquo", 8216},  {"lt", 60},
    {"macr", 175},     {"mdash", 8212},  {"micro", 181},   {"middot", 183},  {"minus", 8722},
    {"mu", 956},       {"nabla", 8711},  {"nbsp", 160},    {"ndash", 8211},  {"ne", 8800},
    {"ni", 8715},      {"not", 172},     {"notin", 8713},  {"nsub", 8836},   {"ntilde", 241},
    {"nu", 957},       {"oacute", 243},  {"ocirc", 244},   {"oelig", 339},   {"ograve", 242},
    {"oline", 8254},   {"omega", 969},   {"omicron", 959}, {"oplus", 8853},  {"or", 8744},
    {"ordf", 170},     {"ordm", 186},    {"oslash", 248},  {"otilde", 245},  {"otimes", 8855},
    {"ouml", 246},     {"para", 182},    {"part", 8706},   {"permil", 8240}, {"perp", 8869},
    {"phi", 966},      {"pi", 960},      {"piv", 982},     {"plusmn", 177},  {"pound", 163},
    {"prime", 8242},   {"prod", 8719},   {"prop", 8733},   {"psi", 968},     {"quot", 34},
    {"rArr", 8658},    {"radic", 8730},  {"rang", 9002},   {"raquo", 187},   {"rarr", 8594},
    {"rceil", 8969},   {"rdquo", 8221},  {"real", 8476},   {"reg", 174},     {"rfloor", 8971},
    {"rho", 961},      {"rlm", 8207},    {"rsaquo", 8250}, {"rsquo", 8217},  {"sbquo", 8218},
    {"scaron", 353},   {"sdot", 8901},   {"sect", 167},    {"shy", 173},     {"sigma", 963},
    {"sigmaf", 962},   {"sim", 8764},    {"spades", 9824}, {"sub", 8834},    {"sube", 8838},
    {"sum", 8721},     {"sup", 8835},    {"sup1", 185},    {"sup2", 178},    {"sup3", 179},
    {"supe", 8839},    {"szlig", 223},   {"tau", 964},     {"there4", 8756}, {"theta", 952},
    {"thetasym", 977}, {"thinsp", 8201}, {"thorn", 254},   {"tilde", 732},   {"times", 215},
    {"trade", 8482},   {"uArr", 8657},   {"uacute", 250},  {"uarr", 8593},   {"ucirc", 251},
    {"ugrave", 249},   {"uml", 168},     {"upsih", 978},   {"upsilon", 965}, {"uuml", 252},
    {"weierp", 8472},  {"xi", 958},      {"yacute", 253},  {"yen", 165},     {"yuml", 255},
    {"zeta", 950},     {"zwj", 8205},    {"zwnj", 8204},
};

static_assert(std::size(kNamed) == 253);
static_assert(std::is_sorted(std::begin(kNamed), std::end(kNamed),
                             [](const auto& a, const auto& b) { return a.name < b.name; }));

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || IsDigit(c); }

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// A reference decoded: its bytes from the '&' on, and its character.
struct Reference {
  size_t length = 0;  // 0: the '&' is text
  char32_t code = 0;
};

// `&#176;`, `&#xB0`: digits, then an optional ';'.
Reference NumericReference(std::string_view s) {
  size_t i = 2;  // past "&#"
  const bool hex = i < s.size() && (s[i] == 'x' || s[i] == 'X');
  if (hex) ++i;
  const size_t digits = i;
  uint32_t code = 0;
  for (int d; i < s.size() && (d = hex ? HexValue(s[i]) : (IsDigit(s[i]) ? s[i] - '0' : -1)) >= 0;
       ++i)
    code = std::min<uint32_t>(code * (hex ? 16 : 10) + static_cast<uint32_t>(d), 0x110000);
  if (i == digits) return {};
  if (i < s.size() && s[i] == ';') ++i;
  const bool character = code != 0 && code < 0x110000 && (code < 0xD800 || code > 0xDFFF);
  return {i, character ? code : 0xFFFD};
}

// `&deg;`: a name of kNamed, then ';'.
Reference NamedReferenceAt(std::string_view s) {
  size_t i = 1;
  while (i < s.size() && IsAsciiAlnum(s[i])) ++i;
  if (i == 1 || i == s.size() || s[i] != ';') return {};
  const std::string_view name = s.substr(1, i - 1);
  const auto* it =
      std::lower_bound(std::begin(kNamed), std::end(kNamed), name,
                       [](const NamedReference& r, std::string_view n) { return r.name < n; });
  if (it == std::end(kNamed) || it->name != name) return {};
  return {i + 1, it->code};
}

// The reference at the '&' that starts `s`.
Reference ReferenceAt(std::string_view s) {
  if (s.size() > 1 && s[1] == '#') return NumericReference(s);
  return NamedReferenceAt(s);
}

}  // namespace

bool NeedsDecoding(std::string_view raw) {
  for (char c : raw)
    if (c == '&' || c == '\r') return true;
  return false;
}

void AppendDecoded(std::string_view raw, std::string& out) {
  size_t i = 0;
  while (i < raw.size()) {
    size_t j = i;
    while (j < raw.size() && raw[j] != '&' && raw[j] != '\r') ++j;
    out.append(raw, i, j - i);
    if (j == raw.size()) break;
    if (raw[j] == '\r') {
      out += '\n';
      i = j + (j + 1 < raw.size() && raw[j + 1] == '\n' ? 2 : 1);
      continue;
    }
    const Reference r = ReferenceAt(raw.substr(j));
    if (r.length == 0) {
      out += '&';
      i = j + 1;
    } else {
      AppendUtf8(r.code, out);
      i = j + r.length;
    }
  }
}

size_t MayContinueAfter(std::string_view raw) {
  if (!raw.empty() && raw.back() == '\r') return 1;
  const size_t from = raw.size() > kMaxHeldBackReference ? raw.size() - kMaxHeldBackReference : 0;
  const size_t amp = raw.rfind('&');
  if (amp == std::string_view::npos || amp < from) return 0;
  for (size_t i = amp + 1; i < raw.size(); ++i)
    if (!IsAsciiAlnum(raw[i]) && raw[i] != '#') return 0;
  return raw.size() - amp;
}

}  // namespace pond::formats
