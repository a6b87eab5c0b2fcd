# Writes OUT (generated/git_commit.hpp) with the source tree's git commit, "-dirty" when tracked
# files differ from it, or "unknown" outside git. Run at every build (the target seqmem_git_commit)
# but the file is rewritten only when its text changes, so an unchanged commit rebuilds nothing.
#   cmake -DSOURCE_DIR=... -DOUT=... -P cmake/git_commit.cmake
set(commit "unknown")
find_program(GIT git)
if(GIT)
  execute_process(COMMAND ${GIT} -C ${SOURCE_DIR} rev-parse --short=12 HEAD
    OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
  if(rc EQUAL 0 AND head)
    set(commit "${head}")
    # Tracked files only (a new file that is not added does not make the build differ from the
    # commit); no optional index lock, so a build never gets in the way of a git command.
    set(ENV{GIT_OPTIONAL_LOCKS} 0)
    execute_process(COMMAND ${GIT} -C ${SOURCE_DIR} status --porcelain --untracked-files=no
      OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
    if(rc EQUAL 0 AND changes)
      set(commit "${commit}-dirty")
    endif()
  endif()
endif()
set(text "#pragma once
// Written at build time by cmake/git_commit.cmake; included by version.hpp.
namespace seqmem {
inline constexpr const char* kGitCommit = \"${commit}\";  // \"-dirty\": tracked files differ from the commit
}  // namespace seqmem
")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
