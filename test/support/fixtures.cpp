#include "test/support/fixtures.h"

#include <sys/stat.h>

namespace ember::test {

bool fixtures_available() {
  struct stat st;
  return stat(EMBER_FIXTURES_DIR, &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace ember::test
