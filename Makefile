# The two commands a new user runs are `make demo` and `make test`; both install what is missing.
BUILD_DIR ?= build
SLUICE_HOME ?= $(HOME)/.sluice
export SLUICE_HOME
JOBS ?= $(shell nproc)

.PHONY: all bootstrap configure build test unit e2e bench demo clean format

all: build

bootstrap:
	@bash scripts/bootstrap.sh

$(BUILD_DIR)/build.ninja:
	@bash scripts/bootstrap.sh
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: $(BUILD_DIR)/build.ninja

build: bootstrap configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	bash bench/run.sh

demo: build
	bash scripts/demo.sh

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf $(BUILD_DIR)
