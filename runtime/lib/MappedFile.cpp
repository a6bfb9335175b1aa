//===- MappedFile.cpp - A read-only memory-mapped file --------------------===//

#include "attn/Runtime/MappedFile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace attn::rt {

Status MappedFile::open(const std::string &path,
                        std::unique_ptr<MappedFile> &result) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status::error(ATTN_ERROR_IO,
                         "cannot open '" + path + "': " + std::strerror(errno));
  struct stat info;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    std::string reason =
        S_ISDIR(info.st_mode) ? "is a directory" : "is not a regular file";
    ::close(fd);
    return Status::error(ATTN_ERROR_IO, "'" + path + "' " + reason);
  }
  std::unique_ptr<MappedFile> file(new MappedFile());
  file->path_ = path;
  file->size_ = size_t(info.st_size);
  if (file->size_ != 0) {
    void *addr = mmap(nullptr, file->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (addr == MAP_FAILED) {
      int err = errno;
      ::close(fd);
      return Status::error(ATTN_ERROR_IO,
                           "cannot map '" + path + "': " + std::strerror(err));
    }
    file->data_ = static_cast<const unsigned char *>(addr);
  }
  ::close(fd);
  result = std::move(file);
  return Status::success();
}

MappedFile::~MappedFile() {
  if (data_)
    munmap(const_cast<unsigned char *>(data_), size_);
}

} // namespace attn::rt
