import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { acceptSingleDashLongOptions, longOptionNames, withDefaultCommand } from './single-dash-options.js';

describe('single-dash long options', () => {
  const program = new Command('tapio');
  program.command('run').option('--config <file>').option('--mode <mode>');
  program.command('why').option('-n, --namespace <namespace>').option('-o, --output <format>');
  const names = longOptionNames(program);

  it('collects every long option name of the tree, and help', () => {
    expect([...names].sort()).toEqual(['config', 'help', 'mode', 'namespace', 'output']);
  });

  it('rewrites known long names given with one dash, with or without =value', () => {
    expect(acceptSingleDashLongOptions(['-config', 'tapio.yaml', '-mode=api'], names)).toEqual(['--config', 'tapio.yaml', '--mode=api']);
  });

  it('leaves short options, unknown words, values and everything after -- alone', () => {
    expect(acceptSingleDashLongOptions(['-n', 'shop', '-ojson', '-frobnicate', '--', '-config'], names)).toEqual(['-n', 'shop', '-ojson', '-frobnicate', '--', '-config']);
  });

  it('runs `run` when no command is named', () => {
    expect(withDefaultCommand([])).toEqual(['run']);
    expect(withDefaultCommand(['--config', 'x'])).toEqual(['run', '--config', 'x']);
    expect(withDefaultCommand(['--help'])).toEqual(['--help']);
    expect(withDefaultCommand(['why', 'pod', 'a'])).toEqual(['why', 'pod', 'a']);
  });
});
