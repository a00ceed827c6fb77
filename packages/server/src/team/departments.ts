import type { AccountDirectory } from "../accounts/index.js";
import type { UserDirectory } from "../auth/index.js";
import { errors } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import { type Actor, actorLabel } from "../platform/policy.js";
import type { Clock } from "../platform/ports.js";
import type { TeamRepository } from "./repository.js";
import { refused } from "./service.js";

/** A department as listed. */
export interface DepartmentView {
  id: string;
  name: string;
  appIds: string[];
  /** The administrators limited to it, by user id. */
  adminIds: string[];
}

/**
 * Departments (分级管理): named sets of accounts. An administrator limited to one reaches only
 * its accounts — every list shows only them, and an operation on another account is refused as
 * out of reach — and takes no action of the whole platform.
 */
export class Departments {
  constructor(
    private readonly deps: {
      repository: TeamRepository;
      users: UserDirectory;
      accounts: AccountDirectory;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  async list(): Promise<DepartmentView[]> {
    const { repository } = this.deps;
    const [rows, members] = await Promise.all([repository.listDepartments(), repository.departmentMembers()]);
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      appIds: members.accounts.get(row.id) ?? [],
      adminIds: members.admins.get(row.id) ?? [],
    }));
  }

  async #view(id: string): Promise<DepartmentView> {
    const view = (await this.list()).find((d) => d.id === id);
    if (!view) throw errors.notFound("the department");
    return view;
  }

  async #checkAccounts(appIds: readonly string[]): Promise<string[]> {
    const unique = [...new Set(appIds)].sort();
    for (const appId of unique) {
      if (!(await this.deps.accounts.exists(appId)))
        throw errors.validation(`no account ${appId} is connected`, { reason: "unknown_account", appId });
    }
    return unique;
  }

  async #checkName(name: string, id?: string): Promise<void> {
    const other = await this.deps.repository.findDepartmentByName(name);
    if (other && other.id !== id)
      throw errors.conflict(`a department named ${name} exists already`, { reason: "name_taken" });
  }

  /** Tells every administrator the department limits that their reach changed. */
  async #tell(adminIds: readonly string[]): Promise<void> {
    for (const userId of adminIds) await this.deps.users.privilegesChanged(userId);
  }

  async create(actor: Actor, input: { name: string; appIds: readonly string[] }): Promise<DepartmentView> {
    const { repository, clock, logger } = this.deps;
    await this.#checkName(input.name);
    const appIds = await this.#checkAccounts(input.appIds);
    const now = clock.now();
    const id = newId(now);
    await repository.saveDepartment({ id, name: input.name, created_at: now, updated_at: now }, appIds, true);
    logger.info({ department: { id, name: input.name }, by: actorLabel(actor) }, "department created");
    return this.#view(id);
  }

  async update(
    actor: Actor,
    id: string,
    input: { name: string; appIds: readonly string[] },
  ): Promise<DepartmentView> {
    const { repository, clock, logger } = this.deps;
    const row = await repository.findDepartment(id);
    if (!row) throw errors.notFound("the department");
    await this.#checkName(input.name, id);
    const appIds = await this.#checkAccounts(input.appIds);
    await repository.saveDepartment({ ...row, name: input.name, updated_at: clock.now() }, appIds, false);
    logger.info({ department: { id, name: input.name }, by: actorLabel(actor) }, "department changed");
    const view = await this.#view(id);
    await this.#tell(view.adminIds);
    return view;
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const { repository, logger } = this.deps;
    if (!(await repository.findDepartment(id))) throw errors.notFound("the department");
    const admins = await repository.deleteDepartment(id);
    logger.info({ department: { id }, by: actorLabel(actor) }, "department deleted");
    await this.#tell(admins);
  }

  /** Limits an administrator to the department, or (null) lifts the limit. */
  async assign(actor: Actor, userId: string, departmentId: string | null): Promise<void> {
    const { repository, users, logger } = this.deps;
    const user = await users.find(userId);
    if (!user) throw errors.notFound("the user");
    if (user.role !== "admin") throw refused("not_an_admin", "a department limits administrators only");
    if (departmentId !== null && !(await repository.findDepartment(departmentId)))
      throw errors.notFound("the department");
    await repository.setDepartmentOf(userId, departmentId);
    logger.info(
      { user: { id: userId }, department: departmentId, by: actorLabel(actor) },
      "department of an administrator set",
    );
    await users.privilegesChanged(userId);
  }
}
