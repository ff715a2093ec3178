#include "engine/csv_dict_cache.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace sluice::engine {
namespace {

// Interns `s` from a buffer that has padding after it, as CSV blocks do.
uint32_t InternPadded(CsvDictCache* cache, const std::string& s) {
  std::vector<char> buf(s.begin(), s.end());
  buf.resize(s.size() + 8, 'Z');  // garbage after the string must not matter
  return cache->Intern(buf.data(), s.size());
}

TEST(CsvDictCacheTest, EqualStringsGetEqualCodesAcrossLengths) {
  Dictionary dict;
  CsvDictCache cache(&dict);
  std::vector<std::string> values = {"",
                                     "a",
                                     "ab",
                                     "abcdefg",
                                     "abcdefgh",
                                     "abcdefghi",
                                     "abcdefghijklmnop",
                                     "abcdefghijklmnopq",
                                     std::string(100, 'x'),
                                     std::string(100, 'x') + "y",
                                     "a\0b"};
  values.back() = std::string("a\0b", 3);
  std::map<std::string, uint32_t> codes;
  for (int round = 0; round < 3; ++round) {
    for (const auto& v : values) {
      uint32_t code = InternPadded(&cache, v);
      EXPECT_EQ(dict.At(code), v);
      auto [it, inserted] = codes.emplace(v, code);
      EXPECT_EQ(it->second, code) << v;
    }
  }
  EXPECT_EQ(dict.size(), values.size());
}

TEST(CsvDictCacheTest, PrefixesAndSharedWordsStayDistinct) {
  Dictionary dict;
  CsvDictCache cache(&dict);
  // Same first and last 8 bytes but different middles: only a full compare tells them apart.
  std::string a = "12345678" + std::string("middle-one") + "87654321";
  std::string b = "12345678" + std::string("middle-two") + "87654321";
  EXPECT_NE(InternPadded(&cache, a), InternPadded(&cache, b));
  EXPECT_NE(InternPadded(&cache, "abc"), InternPadded(&cache, "abcd"));
  EXPECT_NE(InternPadded(&cache, "abc"), InternPadded(&cache, std::string("abc\0", 4)));
  EXPECT_EQ(dict.size(), 5u);
}

TEST(CsvDictCacheTest, GrowsAndAgreesWithOtherCachesOnOneDictionary) {
  Dictionary dict;
  CsvDictCache first(&dict);
  CsvDictCache second(&dict);
  std::mt19937 rng(3);
  std::vector<std::string> values;
  for (int i = 0; i < 5000; ++i) values.push_back("JOB" + std::to_string(rng()));
  for (const auto& v : values) InternPadded(&first, v);
  for (size_t i = values.size(); i-- > 0;) {
    uint32_t code = InternPadded(&second, values[i]);
    EXPECT_EQ(dict.At(code), values[i]);
    EXPECT_EQ(InternPadded(&first, values[i]), code);
  }
}

}  // namespace
}  // namespace sluice::engine
